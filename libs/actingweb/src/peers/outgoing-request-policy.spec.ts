import type { LookupAddress } from 'node:dns';
import { describe, expect, it, jest } from '@jest/globals';
import { Logger } from '@nestjs/common';
import { resolveConfig } from '../config/aw-config.js';
import type { PeerOptions } from '../config/actingweb-options.interface.js';
import {
  OUTGOING_REQUEST_REFUSED,
  OutgoingRequestPolicy,
  type ResolveAll,
} from './outgoing-request-policy.js';

const base = { type: 'urn:actingweb:example.com:notes', baseUrl: 'https://notes.example.com/' };

/** A resolver that answers from a table (unknown names: ENOTFOUND) and records what it was asked. */
function fakeDns(table: Record<string, string[]>) {
  const asked: string[] = [];
  const resolveAll: ResolveAll = (hostname, _options, callback) => {
    asked.push(hostname);
    const addresses = table[hostname];
    if (!addresses) {
      callback(Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' }), []);
      return;
    }
    callback(
      null,
      addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 })),
    );
  };
  return { asked, resolveAll };
}

async function policyFor(
  baseUrl: string,
  peers: PeerOptions = {},
  dns = fakeDns({}),
): Promise<OutgoingRequestPolicy> {
  const config = resolveConfig({ ...base, baseUrl, peers });
  return OutgoingRequestPolicy.forServer(config.root, config.outgoingRequests, 1000, dns.resolveAll);
}

function lookup(
  policy: OutgoingRequestPolicy,
  hostname: string,
  all = true,
): Promise<{ err: NodeJS.ErrnoException | null; addresses: string[] }> {
  return new Promise((resolve) => {
    policy.lookup(hostname, { all }, (err, address) => {
      const list = Array.isArray(address) ? address.map((a: LookupAddress) => a.address) : [address];
      resolve({ err, addresses: err ? [] : list });
    });
  });
}

describe('peers.allowedHosts / peers.allowedCidrs options', () => {
  it('default to none', () => {
    expect(resolveConfig(base).outgoingRequests).toEqual({
      allowedHosts: [],
      allowedCidrs: [],
      allowBaseUrlClass: true,
    });
  });

  it('normalise host names and move IP addresses to the ranges', () => {
    const o = resolveConfig({
      ...base,
      peers: {
        allowedHosts: ['Peer.Internal.', '*.svc.cluster.local', 'python_peer', '127.0.0.1', '[::1]'],
        allowedCidrs: ['10.0.0.0/8', 'fd00::/8', '192.168.1.7'],
      },
    }).outgoingRequests;
    expect(o.allowedHosts).toEqual(['peer.internal', '*.svc.cluster.local', 'python_peer']);
    expect(o.allowedCidrs).toEqual([
      { address: '127.0.0.1', prefix: 32, family: 'ipv4' },
      { address: '::1', prefix: 128, family: 'ipv6' },
      { address: '10.0.0.0', prefix: 8, family: 'ipv4' },
      { address: 'fd00::', prefix: 8, family: 'ipv6' },
      { address: '192.168.1.7', prefix: 32, family: 'ipv4' },
    ]);
  });

  it('name the option and the entry in every error', () => {
    expect(() =>
      resolveConfig({
        ...base,
        peers: {
          allowedHosts: ['ok.example', 'http://x.example/', 7 as never, '*'],
          allowedCidrs: ['10.0.0.0/33', 'fd00::/129', 'banana', '10.0.0.0/8'],
        },
      }),
    ).toThrow(
      /peers\.allowedHosts\[1\] must be a host name[\s\S]*"http:\/\/x\.example\/"[\s\S]*peers\.allowedHosts\[2\][\s\S]*peers\.allowedHosts\[3\][\s\S]*peers\.allowedCidrs\[0\] must be an IP address or a CIDR range[\s\S]*peers\.allowedCidrs\[1\][\s\S]*peers\.allowedCidrs\[2\] must be[\s\S]*"banana"/,
    );
    expect(() => resolveConfig({ ...base, peers: { allowedCidrs: '10.0.0.0/8' as never } })).toThrow(
      /peers\.allowedCidrs must be a list of strings/,
    );
    expect(() => resolveConfig({ ...base, peers: { allowedHosts: {} as never } })).toThrow(
      /peers\.allowedHosts must be a list of strings/,
    );
    expect(() => resolveConfig({ ...base, peers: { allowBaseUrlClass: 'no' as never } })).toThrow(
      /peers\.allowBaseUrlClass must be true or false/,
    );
  });
});

describe('OutgoingRequestPolicy', () => {
  it('with a public baseUrl allows public addresses only', async () => {
    const policy = await policyFor('https://notes.example.com/');
    expect([...policy.allowedClasses]).toEqual([]);
    for (const ok of ['93.184.215.14', '2606:4700:4700::1111', '::ffff:8.8.8.8'])
      expect(policy.allowsAddress(ok)).toBe(true);
    for (const refused of ['127.0.0.1', '::1', '::ffff:127.0.0.1', '10.1.1.1', '169.254.169.254', '0.0.0.0'])
      expect(policy.allowsAddress(refused)).toBe(false);
  });

  it.each([
    ['http://127.0.0.1:3000/', ['loopback']],
    ['http://[::1]:3000/', ['loopback']],
    ['http://localhost:3000/', ['loopback']],
    ['http://app.localhost/', ['loopback']],
    ['http://192.168.1.20:8000/', ['private']],
    ['http://[fd00::20]/', ['private']],
    ['http://100.100.1.1/', ['shared']],
  ])('with baseUrl %s allows the class %j', async (baseUrl, classes) => {
    const dns = fakeDns({});
    const policy = await policyFor(baseUrl, {}, dns);
    expect([...policy.allowedClasses]).toEqual(classes);
    expect(dns.asked).toEqual([]);
  });

  it('learns the classes of a baseUrl name from what it resolves to, once', async () => {
    const dns = fakeDns({ 'dev.lan': ['192.168.0.5', '127.0.1.1'], 'aw.example.com': ['93.184.215.14'] });
    const local = await policyFor('http://dev.lan:3000/', {}, dns);
    expect([...local.allowedClasses].sort()).toEqual(['loopback', 'private']);
    expect(local.allowsAddress('10.9.9.9')).toBe(true);
    expect(local.allowsAddress('169.254.1.1')).toBe(false);
    const publicServer = await policyFor('https://aw.example.com/', {}, dns);
    expect([...publicServer.allowedClasses]).toEqual([]);
    const unresolvable = await policyFor('https://nowhere.example/', {}, dns);
    expect([...unresolvable.allowedClasses]).toEqual([]);
    expect(dns.asked).toEqual(['dev.lan', 'aw.example.com', 'nowhere.example']);
  });

  it('with peers.allowBaseUrlClass false learns nothing from baseUrl', async () => {
    const dns = fakeDns({ 'dev.lan': ['192.168.0.5'] });
    for (const baseUrl of ['http://127.0.0.1:3000/', 'http://localhost/', 'http://dev.lan/']) {
      const policy = await policyFor(baseUrl, { allowBaseUrlClass: false }, dns);
      expect([...policy.allowedClasses]).toEqual([]);
      expect(policy.allowsAddress('127.0.0.1')).toBe(false);
    }
    expect(dns.asked).toEqual([]);
  });

  it('allows what peers.allowedCidrs lists, IPv4-mapped forms included', async () => {
    const policy = await policyFor('https://aw.example.com/', {
      allowedCidrs: ['127.0.0.0/8', 'fd00::/8'],
      allowedHosts: ['10.0.0.7'],
    });
    for (const ok of ['127.0.0.1', '::ffff:127.0.0.1', 'fd00::1', '10.0.0.7'])
      expect(policy.allowsAddress(ok)).toBe(true);
    for (const refused of ['::1', '10.0.0.8', 'fc00::1']) expect(policy.allowsAddress(refused)).toBe(false);
  });

  it('is off with allowedCidrs 0.0.0.0/0 and ::/0', async () => {
    const policy = await policyFor('https://aw.example.com/', { allowedCidrs: ['0.0.0.0/0', '::/0'] });
    for (const address of ['127.0.0.1', '::1', '::ffff:10.0.0.1', '169.254.169.254', 'fe80::1'])
      expect(policy.allowsAddress(address)).toBe(true);
  });

  it('refuses IP-literal hosts the policy does not allow, and only those', async () => {
    const policy = await policyFor('https://aw.example.com/', { allowedCidrs: ['10.0.0.0/8'] });
    expect(policy.refusalOfLiteral('127.0.0.1')?.code).toBe(OUTGOING_REQUEST_REFUSED);
    expect(policy.refusalOfLiteral('[::1]')?.message).toMatch(/refused by the outgoing-request policy/);
    expect(policy.refusalOfLiteral('::ffff:7f00:1')).not.toBeNull();
    expect(policy.refusalOfLiteral('10.2.3.4')).toBeNull();
    expect(policy.refusalOfLiteral('93.184.215.14')).toBeNull();
    expect(policy.refusalOfLiteral('localhost')).toBeNull(); // a name: the lookup decides
  });

  it('logs each refusal as one warn line naming the host, the addresses and their class', async () => {
    const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    try {
      const policy = await policyFor(
        'https://aw.example.com/',
        {},
        fakeDns({ 'db.example.com': ['10.0.0.5'] }),
      );
      policy.refusalOfLiteral('169.254.169.254');
      await lookup(policy, 'db.example.com');
      expect(warn.mock.calls.map((c) => c[0])).toEqual([
        'Connection to 169.254.169.254 refused by the outgoing-request policy: 169.254.169.254 (link-local); see peers.allowedHosts and peers.allowedCidrs',
        'Connection to db.example.com refused by the outgoing-request policy: 10.0.0.5 (private); see peers.allowedHosts and peers.allowedCidrs',
      ]);
    } finally {
      warn.mockRestore();
    }
  });

  describe('lookup (at connect time)', () => {
    const dns = fakeDns({
      'internal.example.com': ['10.0.0.5'],
      'rebound.example.com': ['127.0.0.1'],
      'mixed.example.com': ['127.0.0.1', '93.184.215.14', '::1', '2606:4700::1'],
      'public.example.com': ['93.184.215.14'],
      'peer.svc.cluster.local': ['10.1.2.3'],
      'peer.internal': ['172.16.0.9'],
      'other.internal': ['172.16.0.10'],
    });

    it('refuses a name that resolves only to refused addresses, without naming the address', async () => {
      const policy = await policyFor('https://aw.example.com/', {}, dns);
      for (const host of ['internal.example.com', 'rebound.example.com']) {
        const { err } = await lookup(policy, host);
        expect(err?.code).toBe(OUTGOING_REQUEST_REFUSED);
        expect(err?.message).toBe(`Connection to ${host} refused by the outgoing-request policy`);
      }
    });

    it('keeps only the allowed addresses of a name, in both answer shapes', async () => {
      const policy = await policyFor('https://aw.example.com/', {}, dns);
      expect(await lookup(policy, 'mixed.example.com')).toEqual({
        err: null,
        addresses: ['93.184.215.14', '2606:4700::1'],
      });
      expect(await lookup(policy, 'mixed.example.com', false)).toEqual({
        err: null,
        addresses: ['93.184.215.14'],
      });
      expect(await lookup(policy, 'public.example.com')).toEqual({ err: null, addresses: ['93.184.215.14'] });
    });

    it('passes DNS errors through unchanged', async () => {
      const policy = await policyFor('https://aw.example.com/', {}, dns);
      expect((await lookup(policy, 'missing.example.com')).err?.code).toBe('ENOTFOUND');
    });

    it('lets peers.allowedHosts names (exact or *.suffix) through, whatever they resolve to', async () => {
      const policy = await policyFor(
        'https://aw.example.com/',
        { allowedHosts: ['peer.internal', '*.cluster.local'] },
        dns,
      );
      expect(await lookup(policy, 'peer.internal')).toEqual({ err: null, addresses: ['172.16.0.9'] });
      expect(policy.allowsHost('PEER.internal.')).toBe(true);
      expect(await lookup(policy, 'peer.svc.cluster.local')).toEqual({ err: null, addresses: ['10.1.2.3'] });
      expect((await lookup(policy, 'other.internal')).err?.code).toBe(OUTGOING_REQUEST_REFUSED);
      expect(policy.allowsHost('cluster.local')).toBe(false);
      expect(policy.allowsHost('evilcluster.local')).toBe(false);
    });

    it('resolves again on every connection (nothing cached across DNS changes)', async () => {
      const table: Record<string, string[]> = { 'flip.example.com': ['93.184.215.14'] };
      const flipping = fakeDns(table);
      const policy = await policyFor('https://aw.example.com/', {}, flipping);
      expect((await lookup(policy, 'flip.example.com')).err).toBeNull();
      table['flip.example.com'] = ['127.0.0.1'];
      expect((await lookup(policy, 'flip.example.com')).err?.code).toBe(OUTGOING_REQUEST_REFUSED);
      expect(flipping.asked).toEqual(['aw.example.com', 'flip.example.com', 'flip.example.com']);
    });
  });
});
