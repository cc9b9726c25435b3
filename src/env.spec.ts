import { describe, expect, it } from '@jest/globals';
import { readEnv } from './env.js';

describe('readEnv', () => {
  it('passes the allowed peer hosts and ranges of the outgoing-request policy as lists', () => {
    const { actingweb } = readEnv({
      AW_PEERS_ALLOWED_HOSTS: 'python-peer, *.svc.cluster.local,',
      AW_PEERS_ALLOWED_CIDRS: '10.0.0.0/8,fd00::/8',
    });
    expect(actingweb.peers).toEqual({
      allowedHosts: ['python-peer', '*.svc.cluster.local'],
      allowedCidrs: ['10.0.0.0/8', 'fd00::/8'],
    });
    expect(readEnv({}).actingweb.peers).toEqual({ allowedHosts: [], allowedCidrs: [] });
  });

  it('turns identity (sign-in, OAuth for MCP clients) on unless AW_IDENTITY is false', () => {
    expect(readEnv({}).actingweb.identity).toEqual({});
    expect(readEnv({ AW_IDENTITY: 'true' }).actingweb.identity).toEqual({});
    expect(readEnv({ AW_IDENTITY: 'false' }).actingweb.identity).toBeUndefined();
    expect(() => readEnv({ AW_IDENTITY: 'maybe' })).toThrow(/AW_IDENTITY must be true or false/);
  });
});
