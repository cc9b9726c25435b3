import { describe, expect, it } from '@jest/globals';
import { envVariableFor, readEnv } from './env.js';

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

  it("keeps SQLite in the library's default file, AW_DATA_DIR moving it to another directory", () => {
    expect(readEnv({}).actingweb.storage).toEqual({ type: 'sqlite', filename: 'data/actingweb.sqlite' });
    expect(readEnv({ AW_DATA_DIR: '/srv/aw' }).actingweb.storage).toEqual({
      type: 'sqlite',
      filename: '/srv/aw/actingweb.sqlite',
    });
    expect(readEnv({ AW_DATA_DIR: 'memory://' }).actingweb.storage).toEqual({
      type: 'sqlite',
      filename: ':memory:',
    });
  });

  it('turns identity (sign-in, OAuth for MCP clients) on unless AW_IDENTITY is false', () => {
    expect(readEnv({}).actingweb.identity).toEqual({});
    expect(readEnv({ AW_IDENTITY: 'true' }).actingweb.identity).toEqual({});
    expect(readEnv({ AW_IDENTITY: 'false' }).actingweb.identity).toBeUndefined();
    expect(() => readEnv({ AW_IDENTITY: 'maybe' })).toThrow(/AW_IDENTITY must be true or false/);
  });

  it('turns on health by default, metrics with AW_METRICS or AW_METRICS_TOKEN, JSON logs with AW_LOG_FORMAT', () => {
    const plain = readEnv({});
    expect(plain.actingweb).toMatchObject({ health: true, metrics: false });
    expect(plain.logFormat).toBe('text');
    expect(readEnv({ AW_HEALTH: 'false' }).actingweb.health).toBe(false);
    expect(readEnv({ AW_METRICS: 'true' }).actingweb.metrics).toEqual({
      enabled: true,
      bearerToken: undefined,
    });
    expect(readEnv({ AW_METRICS_TOKEN: 't'.repeat(20) }).actingweb.metrics).toEqual({
      enabled: true,
      bearerToken: 't'.repeat(20),
    });
    expect(readEnv({ AW_LOG_FORMAT: 'JSON' }).logFormat).toBe('json');
    expect(readEnv({ AW_REQUEST_CONTEXT: 'on' }).actingweb.requestContext).toBe(true);
    expect(() => readEnv({ AW_HEALTH: 'maybe' })).toThrow('AW_HEALTH must be true or false (got "maybe")');
  });
});

describe('envVariableFor', () => {
  it('names the variable behind an option, by the longest matching option', () => {
    expect(envVariableFor('storage.connectionString')).toBe('DATABASE_URL');
    expect(envVariableFor('storage.filename')).toBe('AW_DATA_DIR');
    expect(envVariableFor('metrics.bearerToken')).toBe('AW_METRICS_TOKEN');
    expect(envVariableFor('metrics.path')).toBe('AW_METRICS');
    expect(envVariableFor('peers.allowedCidrs')).toBe('AW_PEERS_ALLOWED_CIDRS');
    expect(envVariableFor('baseUrl')).toBe('AW_BASE_URL');
    expect(envVariableFor('identity.mcp.clients')).toBe('AW_IDENTITY');
    expect(envVariableFor('subscriptions.retries')).toBeUndefined();
  });
});
