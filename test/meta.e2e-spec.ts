import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { call, startFreshServer, STORAGES, type TestServer } from './support/test-app.js';

/**
 * Every option tag the library implements, in order, then `mcp` (the MCP
 * server is on by default) and the application's own `www` (`optionTags`).
 */
const SUPPORTED = [
  'nestedproperties',
  'listproperties',
  'trust',
  'trustpermissions',
  'permissionquery',
  'subscriptions',
  'subscriptionresync',
  'callbackcompression',
  'callbacks',
  'methods',
  'actions',
  'resources',
  'mcp',
  'www',
].join(',');

/** `/meta` and its paths (ActingWeb spec, "/meta (MUST)"). */
describe.each(STORAGES)('meta on $name', (storage) => {
  let server: TestServer;
  let id: string;
  let meta: string;

  beforeAll(async () => {
    server = await startFreshServer(storage, {
      version: '2.3.1',
      description: 'Notes of {id}',
      info: 'https://docs.example/notes',
      optionTags: ['www'],
    });
    id = (
      await call(server.url, {
        method: 'POST',
        body: { creator: 'm@example.com', trustee_root: 'https://t.example/x' },
      })
    ).json.id;
    meta = `${server.url}${id}/meta`;
  });
  afterAll(() => server.close());

  it('serves both JSON shapes: the nested actingweb object and the flat keys Python peers read', async () => {
    const res = await call(meta);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(res.json).toEqual({
      id,
      type: 'urn:actingweb:test.example:e2e',
      version: '2.3.1',
      desc: `Notes of ${id}`,
      info: 'https://docs.example/notes',
      trustee_root: 'https://t.example/x',
      actingweb: { version: '1.4', supported: SUPPORTED, formats: 'json' },
      aw_version: '1.4',
      aw_supported: SUPPORTED,
      aw_formats: 'json',
      aw_trust_types: expect.arrayContaining([
        'associate',
        'friend',
        'partner',
        'admin',
        'viewer',
        'mcp_client',
      ]),
    });
  });

  it.each([
    ['id', () => id],
    ['type', () => 'urn:actingweb:test.example:e2e'],
    ['version', () => '2.3.1'],
    ['desc', () => `Notes of ${id}`],
    ['actingweb/version', () => '1.4'],
    ['actingweb/supported', () => SUPPORTED],
    ['actingweb/formats', () => 'json'],
    ['trustee_root', () => 'https://t.example/x'],
  ])('GET /meta/%s answers the bare text', async (path, expected) => {
    const res = await call(`${meta}/${path}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(res.text).toBe(expected());
  });

  it('type is one line starting urn:actingweb:, version is a.b[.c]', async () => {
    expect((await call(`${meta}/type`)).text).toMatch(/^urn:actingweb:[^\n]+$/);
    expect((await call(`${meta}/version`)).text).toMatch(/^\d+\.\d+(\.\d+)?$/);
  });

  it('supported tags are comma-separated without spaces', async () => {
    expect((await call(`${meta}/actingweb/supported`)).text).not.toMatch(/\s/);
  });

  it('advertises every implemented option tag', () => {
    for (const tag of [
      'nestedproperties',
      'listproperties',
      'trust',
      'trustpermissions',
      'permissionquery',
    ]) {
      expect(SUPPORTED.split(',')).toContain(tag);
    }
  });

  it('lists trust types at /meta/trusttypes and /meta/actingweb/trust_types', async () => {
    const types = await call(`${meta}/trusttypes`);
    expect(types.status).toBe(200);
    expect(types.json.default_trust_type).toBe('associate');
    expect(types.json.trust_types.friend).toMatchObject({
      display_name: expect.any(String),
      description: expect.any(String),
    });
    const list = await call(`${meta}/actingweb/trust_types`);
    expect(list.json).toEqual(
      expect.arrayContaining([expect.objectContaining({ name: 'admin', created_by: 'system' })]),
    );
  });

  it('/meta/info redirects (302) to the configured page', async () => {
    const res = await call(`${meta}/info`);
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe('https://docs.example/notes');
  });

  it.each(['raml', 'nothing', 'actingweb/other', 'specification'])(
    'GET /meta/%s (not served) answers 404 JSON',
    async (path) => {
      const res = await call(`${meta}/${path}`);
      expect(res.status).toBe(404);
      expect(res.json).toMatchObject({ statusCode: 404, error: 'Not Found' });
    },
  );

  it('is readable with no credentials and with a foreign or wrong token', async () => {
    for (const authorization of ['Bearer someone-elses-token', 'Basic Zm9vOmJhcg==', 'Weird scheme']) {
      const res = await call(`${meta}/id`, { headers: { authorization } });
      expect(res.status).toBe(200);
      expect(res.text).toBe(id);
    }
  });

  it('answers 404 for the meta of an unknown actor', async () => {
    expect((await call(`${server.url}ffffffffffffffffffffffffffffffff/meta`)).status).toBe(404);
    expect((await call(`${server.url}ffffffffffffffffffffffffffffffff/meta/id`)).status).toBe(404);
  });

  it('only answers GET', async () => {
    expect((await call(meta, { method: 'PUT', body: { id: 'x' } })).status).toBe(404);
    expect((await call(`${meta}/id`, { method: 'DELETE' })).status).toBe(404);
    expect((await call(`${meta}/id`)).text).toBe(id);
  });
});
