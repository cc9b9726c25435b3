import { lookup as dnsLookup, type LookupAddress, type LookupAllOptions } from 'node:dns';
import { BlockList, isIP, type LookupFunction } from 'node:net';
import { Logger } from '@nestjs/common';
import { logPrefix } from '../common/request-context.js';
import { classifyAddress, unmapIpv4, type AddressClass } from './address-class.js';
import type { ResolvedOutgoingRequestOptions } from '../config/outgoing-request-options.js';

/** `code` of the error a refused connection fails with (what AwProxy and callbacks look for). */
export const OUTGOING_REQUEST_REFUSED = 'ERR_AW_OUTGOING_REQUEST_REFUSED';

/** A connection the outgoing-request policy refused; to callers it is an unreachable peer. */
export class OutgoingRequestRefusedError extends Error {
  readonly code = OUTGOING_REQUEST_REFUSED;

  constructor(host: string) {
    // Never names the resolved address: the caller may be anyone, the address is internal knowledge.
    super(`Connection to ${host} refused by the outgoing-request policy`);
    this.name = 'OutgoingRequestRefusedError';
  }
}

/** `dns.lookup` with `all: true`, injectable for tests. */
export type ResolveAll = (
  hostname: string,
  options: LookupAllOptions,
  callback: (err: NodeJS.ErrnoException | null, addresses: LookupAddress[]) => void,
) => void;

const systemResolveAll: ResolveAll = (hostname, options, callback) => dnsLookup(hostname, options, callback);

/**
 * Which addresses peer calls may connect to (docs/security.md). Public
 * addresses always; special-purpose ones (loopback, private, link-local, …)
 * only when they are of a class `baseUrl` itself is on, lie in
 * `peers.allowedCidrs`, or the host name is in `peers.allowedHosts`.
 *
 * Applied per connection by the peer agents: {@link lookup} filters what DNS
 * answers (so a name cannot be rebound to an internal address between a check
 * and the connect), {@link refusalOfLiteral} covers IP-literal hosts, for which
 * Node does no lookup. Nothing is cached.
 */
export class OutgoingRequestPolicy {
  private static readonly logger = new Logger('OutgoingRequestPolicy');
  private readonly allowedNetworks = new BlockList();
  private readonly hasAllowedNetworks: boolean;
  private readonly exactHosts: ReadonlySet<string>;
  private readonly hostSuffixes: readonly string[];

  constructor(
    options: ResolvedOutgoingRequestOptions,
    /** Special-purpose classes allowed besides `public` (those of `baseUrl`). */
    readonly allowedClasses: ReadonlySet<AddressClass> = new Set(),
    private readonly resolveAll: ResolveAll = systemResolveAll,
  ) {
    for (const network of options.allowedCidrs)
      this.allowedNetworks.addSubnet(network.address, network.prefix, network.family);
    this.hasAllowedNetworks = options.allowedCidrs.length > 0;
    this.exactHosts = new Set(options.allowedHosts.filter((h) => !h.startsWith('*.')));
    this.hostSuffixes = options.allowedHosts.filter((h) => h.startsWith('*.')).map((h) => h.slice(1));
  }

  /**
   * The policy for a server whose public root is `root`: the classes of the
   * addresses of its host are allowed, so local development keeps working.
   * `localhost` and `*.localhost` are loopback (RFC 6761 §6.3) without a
   * lookup; another name is resolved once, here, bounded by `timeoutMs`; a
   * name that does not resolve adds nothing. Nothing with `peers.allowBaseUrlClass: false`.
   */
  static async forServer(
    root: string,
    options: ResolvedOutgoingRequestOptions,
    timeoutMs: number,
    resolveAll: ResolveAll = systemResolveAll,
  ): Promise<OutgoingRequestPolicy> {
    const host = new URL(root).hostname.replace(/^\[(.*)\]$/, '$1').toLowerCase();
    let addresses: string[];
    if (!options.allowBaseUrlClass) addresses = [];
    else if (isIP(host)) addresses = [host];
    else if (host === 'localhost' || host.endsWith('.localhost')) addresses = ['127.0.0.1', '::1'];
    else addresses = await resolveWithin(resolveAll, host, timeoutMs);
    const classes = new Set(addresses.map(classifyAddress).filter((c) => c !== 'public'));
    return new OutgoingRequestPolicy(options, classes, resolveAll);
  }

  /** Whether a connection to `address` is allowed for a host not in `peers.allowedHosts`. */
  allowsAddress(address: string): boolean {
    const ip = unmapIpv4(address.replace(/%.*$/, ''));
    const family = isIP(ip);
    if (family === 0) return false;
    if (this.hasAllowedNetworks && this.allowedNetworks.check(ip, family === 4 ? 'ipv4' : 'ipv6'))
      return true;
    const cls = classifyAddress(ip);
    return cls === 'public' || this.allowedClasses.has(cls);
  }

  /** Whether `hostname` is listed in `peers.allowedHosts` (exactly, or under a `*.` entry). */
  allowsHost(hostname: string): boolean {
    const host = hostname.toLowerCase().replace(/\.$/, '');
    return this.exactHosts.has(host) || this.hostSuffixes.some((suffix) => host.endsWith(suffix));
  }

  /**
   * For an IP-literal host (Node connects to those without a lookup): the
   * error to fail the connection with, or null when it is allowed. A host
   * name gives null; {@link lookup} checks it.
   */
  refusalOfLiteral(host: string | null | undefined): OutgoingRequestRefusedError | null {
    const ip = (host ?? '').replace(/^\[(.*)\]$/, '$1');
    if (!isIP(ip) || this.allowsAddress(ip)) return null;
    return this.refuse(ip, [ip]);
  }

  /**
   * `lookup` for `net.connect`: resolves every address of the name and keeps
   * the allowed ones; none left → the connection fails with
   * {@link OutgoingRequestRefusedError}.
   */
  readonly lookup: LookupFunction = (hostname, options, callback) => {
    this.resolveAll(hostname, { ...options, all: true }, (err, addresses) => {
      if (err) {
        callback(err, '');
        return;
      }
      const allowed = this.allowsHost(hostname)
        ? addresses
        : addresses.filter((a) => this.allowsAddress(a.address));
      if (allowed.length === 0) {
        callback(
          this.refuse(
            hostname,
            addresses.map((a) => a.address),
          ),
          '',
        );
        return;
      }
      if (options.all) callback(null, allowed);
      else callback(null, allowed[0].address, allowed[0].family);
    });
  };

  private refuse(host: string, addresses: readonly string[]): OutgoingRequestRefusedError {
    const what = addresses.map((a) => `${a} (${classifyAddress(a)})`).join(', ') || 'no address';
    OutgoingRequestPolicy.logger.warn(
      `${logPrefix()}Connection to ${host} refused by the outgoing-request policy: ${what}; ` +
        'see peers.allowedHosts and peers.allowedCidrs',
    );
    return new OutgoingRequestRefusedError(host);
  }
}

function resolveWithin(resolveAll: ResolveAll, host: string, timeoutMs: number): Promise<string[]> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve([]), timeoutMs);
    timer.unref();
    resolveAll(host, { all: true }, (err, addresses) => {
      clearTimeout(timer);
      resolve(err ? [] : addresses.map((a) => a.address));
    });
  });
}
