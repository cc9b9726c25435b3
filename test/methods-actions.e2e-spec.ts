import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Injectable } from '@nestjs/common';
import {
  ActionHook,
  CallbackHook,
  MethodHook,
  type ActionHookContext,
  type CallbackHookContext,
  type MethodHookContext,
  type ResourceHookData,
} from '@actingweb/nestjs';
import { addTrust } from './support/mcp-fixtures.js';
import { newActor } from './support/actors.js';
import { call, startFreshServer, STORAGES, type TestServer } from './support/test-app.js';

@Injectable()
class RestHooks {
  @MethodHook('get_profile', {
    description: 'The profile',
    inputSchema: { type: 'object', properties: { fields: { type: 'string' } } },
  })
  profile(ctx: MethodHookContext) {
    return { id: ctx.actor.id, method: ctx.httpMethod, data: ctx.data, caller: ctx.caller.kind };
  }

  @MethodHook('echo')
  echo(ctx: MethodHookContext) {
    return ctx.httpMethod === 'DELETE' ? { deleted: true } : ctx.data;
  }

  @MethodHook('nothing')
  nothing() {
    return null;
  }

  @MethodHook('broken')
  broken(): never {
    throw new Error('method failed');
  }

  @MethodHook('delete_all')
  deleteAll() {
    return { deleted: 'all' };
  }

  @MethodHook('text')
  text() {
    return 'plain ÆØÅ';
  }

  @MethodHook('*')
  wildcard(ctx: MethodHookContext) {
    return ctx.name.startsWith('wild_') ? { wildcard: ctx.name } : null;
  }

  @ActionHook('send', { description: 'Sends a message', annotations: { destructiveHint: false } })
  send(ctx: ActionHookContext) {
    return { sent: ctx.data, method: ctx.httpMethod };
  }

  @ActionHook('admin_wipe')
  wipe() {
    return { wiped: true };
  }

  @ActionHook('noop')
  noop() {
    return undefined;
  }

  @CallbackHook('resource_notes')
  notes(ctx: CallbackHookContext) {
    const data = ctx.data as ResourceHookData;
    switch (data.method) {
      case 'GET':
        return { notes: ['a', 'b'], path: data.path };
      case 'POST':
        return { created: data.body };
      case 'PUT':
        return { updated: data.body, path: data.path };
      default:
        return true;
    }
  }

  @CallbackHook('resource_private')
  secret() {
    return { secret: 42 };
  }
}

/** `/methods`, `/actions`, `/resources` (ActingWeb spec, "/methods", "/actions", "/resources"; docs/methods-actions.md). */
describe.each(STORAGES)('methods, actions and resources on $name', (storage) => {
  let server: TestServer;
  let id: string;
  let base: string;
  let creator: Record<string, string>;
  const bearer = (secret: string) => ({ authorization: `Bearer ${secret}` });
  let friend: { secret: string };
  let partner: { secret: string };
  let associate: { secret: string };
  let mcpClient: { secret: string };

  beforeAll(async () => {
    server = await startFreshServer(storage, {}, { providers: [RestHooks] });
    const actor = await newActor(server, 'rest@example.com');
    id = actor.id;
    base = actor.url;
    creator = actor.auth;
    friend = await addTrust(server, id, 'friend');
    partner = await addTrust(server, id, 'partner');
    associate = await addTrust(server, id, 'associate');
    mcpClient = await addTrust(server, id, 'mcp_client');
  });
  afterAll(() => server.close());

  describe('/methods', () => {
    it('lists named method hooks with their metadata (wildcards left out)', async () => {
      const res = await call(`${base}/methods`, { headers: creator });
      expect(res.status).toBe(200);
      expect(res.json.methods.map((m: { name: string }) => m.name).sort()).toEqual([
        'broken',
        'delete_all',
        'echo',
        'get_profile',
        'nothing',
        'text',
      ]);
      expect(res.json.methods.find((m: { name: string }) => m.name === 'get_profile')).toEqual({
        name: 'get_profile',
        description: 'The profile',
        input_schema: { type: 'object', properties: { fields: { type: 'string' } } },
      });
    });

    it('GET runs the hook with the query as data: 200 JSON, 404 when nothing answers, 500 when it throws', async () => {
      const res = await call(`${base}/methods/get_profile?fields=name`, { headers: creator });
      expect(res.status).toBe(200);
      expect(res.json).toEqual({ id, method: 'GET', data: { fields: 'name' }, caller: 'creator' });
      expect((await call(`${base}/methods/nothing`, { headers: creator })).status).toBe(404);
      expect((await call(`${base}/methods/unknown`, { headers: creator })).status).toBe(404);
      expect((await call(`${base}/methods/broken`, { headers: creator })).status).toBe(500);
      expect((await call(`${base}/methods/wild_card`, { headers: creator })).json).toEqual({
        wildcard: 'wild_card',
      });
    });

    it('POST and PUT answer 200 JSON, 400 when nothing answers, 500 when the hook throws', async () => {
      for (const method of ['POST', 'PUT']) {
        const res = await call(`${base}/methods/echo`, {
          method,
          headers: creator,
          body: { æ: 'ø', n: [1] },
        });
        expect(res.status).toBe(200);
        expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
        expect(res.json).toEqual({ æ: 'ø', n: [1] });
        expect((await call(`${base}/methods/nothing`, { method, headers: creator, body: {} })).status).toBe(
          400,
        );
        expect((await call(`${base}/methods/broken`, { method, headers: creator, body: {} })).status).toBe(
          500,
        );
      }
      const text = await call(`${base}/methods/text`, { method: 'POST', headers: creator });
      expect(text.headers.get('content-type')).toBe('application/json; charset=utf-8');
      expect(text.json).toBe('plain ÆØÅ');
    });

    it('a bad JSON body is 400', async () => {
      const res = await call(`${base}/methods/echo`, {
        method: 'POST',
        headers: { ...creator, 'content-type': 'application/json' },
        raw: '{"a":',
      });
      expect(res.status).toBe(400);
    });

    it('DELETE answers 204, or 403 when nothing answers', async () => {
      expect((await call(`${base}/methods/echo`, { method: 'DELETE', headers: creator })).status).toBe(204);
      expect((await call(`${base}/methods/nothing`, { method: 'DELETE', headers: creator })).status).toBe(
        403,
      );
      expect(
        (await call(`${base}/methods/echo?_method=DELETE`, { method: 'POST', headers: creator })).status,
      ).toBe(204);
    });

    describe('JSON-RPC 2.0', () => {
      const rpc = (body: unknown, path = '') =>
        call(`${base}/methods${path}`, { method: 'POST', headers: creator, body });

      it('answers a result with the id, at /methods and at /methods/<name>', async () => {
        const res = await rpc({ jsonrpc: '2.0', method: 'echo', params: { x: 1 }, id: 7 });
        expect(res.status).toBe(200);
        expect(res.json).toEqual({ jsonrpc: '2.0', id: 7, result: { x: 1 } });
        const named = await rpc({ jsonrpc: '2.0', method: 'echo', params: [1, 2], id: 'a' }, '/echo');
        expect(named.json).toEqual({ jsonrpc: '2.0', id: 'a', result: [1, 2] });
      });

      it.each([
        ['a missing method', -32600, { jsonrpc: '2.0', id: 1 }, ''],
        [
          'a method other than the URL names',
          -32600,
          { jsonrpc: '2.0', method: 'get_profile', id: 1 },
          '/echo',
        ],
        ['a batch', -32600, [{ jsonrpc: '2.0', method: 'echo', id: 1 }], ''],
        ['an unknown method', -32601, { jsonrpc: '2.0', method: 'missing', id: 1 }, ''],
        ['a method with no result', -32601, { jsonrpc: '2.0', method: 'nothing', id: 1 }, ''],
        ['a failing method', -32603, { jsonrpc: '2.0', method: 'broken', id: 1 }, ''],
      ] as const)('%s → %i', async (_label, code, body, path) => {
        const res = await rpc(body, path);
        expect(res.status).toBe(200);
        expect(res.json).toMatchObject({ jsonrpc: '2.0', error: { code } });
      });

      it('POST /methods without a JSON-RPC body is 400', async () => {
        expect((await rpc({ method: 'echo' })).status).toBe(400);
      });
    });
  });

  describe('/actions', () => {
    it('lists named action hooks', async () => {
      const res = await call(`${base}/actions`, { headers: creator });
      expect(res.json.actions).toEqual(
        expect.arrayContaining([
          { name: 'send', description: 'Sends a message', annotations: { destructiveHint: false } },
          { name: 'admin_wipe' },
          { name: 'noop' },
        ]),
      );
    });

    it("POST runs the action: 201 with the result (the spec's MUST); PUT 200; no result 400", async () => {
      const post = await call(`${base}/actions/send`, {
        method: 'POST',
        headers: creator,
        body: { to: 'x' },
      });
      expect(post.status).toBe(201);
      expect(post.json).toEqual({ sent: { to: 'x' }, method: 'POST' });
      const put = await call(`${base}/actions/send`, { method: 'PUT', headers: creator, body: { to: 'y' } });
      expect(put.status).toBe(200);
      expect(put.json.method).toBe('PUT');
      expect((await call(`${base}/actions/noop`, { method: 'POST', headers: creator })).status).toBe(400);
      expect((await call(`${base}/actions/none`, { method: 'POST', headers: creator })).status).toBe(400);
    });

    it('GET 200/404, DELETE 204/403', async () => {
      expect((await call(`${base}/actions/send`, { headers: creator })).status).toBe(200);
      expect((await call(`${base}/actions/noop`, { headers: creator })).status).toBe(404);
      expect((await call(`${base}/actions/send`, { method: 'DELETE', headers: creator })).status).toBe(204);
      expect((await call(`${base}/actions/noop`, { method: 'DELETE', headers: creator })).status).toBe(403);
    });
  });

  describe('permissions for peers', () => {
    it('refuses anonymous callers (401) and relationships the access rules leave out (403)', async () => {
      expect((await call(`${base}/methods/echo`, { method: 'POST', body: {} })).status).toBe(401);
      for (const secret of [associate.secret, mcpClient.secret]) {
        expect(
          (await call(`${base}/methods/echo`, { method: 'POST', headers: bearer(secret), body: {} })).status,
        ).toBe(403);
        expect(
          (await call(`${base}/actions/send`, { method: 'POST', headers: bearer(secret), body: {} })).status,
        ).toBe(403);
      }
    });

    it('checks the trust permissions (methods/call, actions/execute) before any hook runs', async () => {
      const asFriend = bearer(friend.secret);
      const ok = await call(`${base}/methods/get_profile`, { method: 'POST', headers: asFriend, body: {} });
      expect(ok.status).toBe(200);
      expect(ok.json.caller).toBe('peer');
      // friend: methods and actions deny delete_*, admin_*, system_*.
      expect(
        (await call(`${base}/methods/delete_all`, { method: 'POST', headers: asFriend, body: {} })).status,
      ).toBe(403);
      expect((await call(`${base}/methods/delete_all`, { headers: asFriend })).status).toBe(403);
      expect((await call(`${base}/actions/admin_wipe`, { method: 'POST', headers: asFriend })).status).toBe(
        403,
      );
      expect(
        (await call(`${base}/actions/send`, { method: 'POST', headers: asFriend, body: {} })).status,
      ).toBe(201);
      // partner: only admin_* and system_* are denied.
      const asPartner = bearer(partner.secret);
      expect(
        (await call(`${base}/methods/delete_all`, { method: 'POST', headers: asPartner, body: {} })).status,
      ).toBe(200);
      expect((await call(`${base}/actions/admin_wipe`, { method: 'POST', headers: asPartner })).status).toBe(
        403,
      );
    });

    it('lists only what the peer may call', async () => {
      const methods = await call(`${base}/methods`, { headers: bearer(friend.secret) });
      const names = methods.json.methods.map((m: { name: string }) => m.name);
      expect(names).toContain('get_profile');
      expect(names).not.toContain('delete_all');
      const actions = await call(`${base}/actions`, { headers: bearer(partner.secret) });
      expect(actions.json.actions.map((a: { name: string }) => a.name).sort()).toEqual(['noop', 'send']);
    });

    it('applies the same check to JSON-RPC calls: 403 with -32003', async () => {
      const res = await call(`${base}/methods`, {
        method: 'POST',
        headers: bearer(friend.secret),
        body: { jsonrpc: '2.0', method: 'delete_all', id: 3 },
      });
      expect(res.status).toBe(403);
      expect(res.json).toEqual({ jsonrpc: '2.0', id: 3, error: { code: -32003, message: 'Access denied' } });
    });
  });

  describe('/resources', () => {
    it('lists the names with resource_<name> hooks', async () => {
      const res = await call(`${base}/resources`, { headers: creator });
      expect(res.json).toEqual({ resources: [{ name: 'notes' }, { name: 'private' }] });
    });

    it('GET 200, POST 201, PUT and DELETE 200; unknown 404', async () => {
      const get = await call(`${base}/resources/notes/2024/05`, { headers: creator });
      expect(get.status).toBe(200);
      expect(get.json).toEqual({ notes: ['a', 'b'], path: ['2024', '05'] });
      const post = await call(`${base}/resources/notes`, {
        method: 'POST',
        headers: creator,
        body: { t: 'x' },
      });
      expect(post.status).toBe(201);
      expect(post.json).toEqual({ created: { t: 'x' } });
      const put = await call(`${base}/resources/notes/1`, {
        method: 'PUT',
        headers: creator,
        body: { t: 'y' },
      });
      expect(put.status).toBe(200);
      expect(put.json).toEqual({ updated: { t: 'y' }, path: ['1'] });
      const del = await call(`${base}/resources/notes/1`, { method: 'DELETE', headers: creator });
      expect(del.status).toBe(200);
      expect(del.json).toBe(true);
      for (const method of ['GET', 'POST', 'PUT', 'DELETE']) {
        expect((await call(`${base}/resources/unknown`, { method, headers: creator })).status).toBe(404);
      }
    });

    it('checks peers against their resources permissions', async () => {
      expect((await call(`${base}/resources/notes`, { headers: bearer(friend.secret) })).status).toBe(200);
      // friend: resources exclude private/* (and private itself)
      expect((await call(`${base}/resources/private`, { headers: bearer(friend.secret) })).status).toBe(403);
      expect((await call(`${base}/resources/notes`, { headers: bearer(associate.secret) })).status).toBe(403);
      expect((await call(`${base}/resources/notes`)).status).toBe(401);
    });
  });

  it('advertises methods, actions and resources in /meta', async () => {
    const tags = (await call(`${base}/meta/actingweb/supported`)).text.split(',');
    expect(tags).toEqual(expect.arrayContaining(['methods', 'actions', 'resources']));
  });
});
