import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Inject, Injectable, Module, type OnModuleInit } from '@nestjs/common';
import { IsString, MaxLength } from 'class-validator';
import { ActingWebModule } from '@actingweb/nestjs';
// The building blocks of the library's own routes (not public API).
import { actorRoute } from '../libs/actingweb/src/auth/actor-route.js';
import { ActorRouter } from '../libs/actingweb/src/auth/actor-router.js';
import { AuthModule } from '../libs/actingweb/src/auth/auth.module.js';
import { ForbiddenError } from '../libs/actingweb/src/errors/actingweb.errors.js';
import { basic, call, startApp, STORAGES, type TestServer } from './support/test-app.js';
import { newActor, type TestActor } from './support/subscriptions.js';

class NoteDto {
  @IsString()
  @MaxLength(5)
  text!: string;
}

/** Routes built the way the library's are: an access key, a DTO, the actor and the caller. */
@Injectable()
class ProbeRoutes implements OnModuleInit {
  constructor(@Inject(ActorRouter) private readonly router: ActorRouter) {}

  onModuleInit(): void {
    this.router.install([
      actorRoute({
        method: 'POST',
        url: '/:actorId/probe',
        access: 'properties',
        body: NoteDto,
        status: 201,
        handle: ({ actor, caller, body }) => ({
          actor: actor.id,
          caller: caller.kind,
          text: body.text,
          dto: body instanceof NoteDto,
        }),
      }),
      actorRoute({
        method: 'GET',
        url: '/:actorId/probe/:what',
        access: 'properties',
        handle: ({ params, reply }) => {
          if (params.what === 'refused') throw new ForbiddenError('Not for you', 'probe_refused');
          if (params.what === 'broken') throw new Error('secret internals');
          if (params.what === 'text') return 'plain';
          reply.status(202).header('x-probe', 'yes');
          return Promise.resolve({ what: params.what });
        },
      }),
    ]);
  }
}

describe.each(STORAGES)('ActorRouter on $name', (storage) => {
  let server: TestServer;
  let cleanup: () => Promise<void>;
  let actor: TestActor;

  beforeAll(async () => {
    const created = await storage.create();
    cleanup = created.cleanup;
    server = await startApp((url) => {
      @Module({
        imports: [
          ActingWebModule.forRoot({
            type: 'urn:actingweb:test.example:probe',
            baseUrl: url,
            storage: created.options,
          }),
          AuthModule,
        ],
        providers: [ProbeRoutes],
      })
      class ProbeModule {}
      return [ProbeModule];
    });
    actor = await newActor(server);
  });
  afterAll(async () => {
    await server.close();
    await cleanup();
  });

  const post = (headers: Record<string, string>, raw: string, id = actor.id) =>
    call(`${server.url}${id}/probe`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      raw,
    });
  const get = (what: string) => call(`${server.url}${actor.id}/probe/${what}`, { headers: actor.auth });

  it('hands the handler the actor, the caller and the validated DTO, with the route status', async () => {
    const res = await post(actor.auth, '{"text":"hi","extra":1}');
    expect(res.status).toBe(201);
    expect(res.json).toEqual({ actor: actor.id, caller: 'creator', text: 'hi', dto: true });
  });

  it('answers credentials before the body: 404 unknown actor, 401 anonymous, 403 wrong password', async () => {
    expect((await post(actor.auth, '{"text":', 'f'.repeat(32))).status).toBe(404);
    const anonymous = await post({}, '{"text":');
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toMatch(/^Basic realm=/);
    expect((await post({}, '{"text":"way too long"}')).status).toBe(401);
    expect((await post({ authorization: basic('owner@example.com', 'wrong') }, '{"text":')).status).toBe(403);
  });

  it('then answers a body it cannot read or that the DTO refuses with 400', async () => {
    const malformed = await post(actor.auth, '{"text":');
    expect(malformed.status).toBe(400);
    expect(malformed.json.message).toMatch(/not valid JSON/);
    const invalid = await post(actor.auth, '{"text":"way too long"}');
    expect(invalid.status).toBe(400);
    expect(invalid.json.message).toMatch(/text must be shorter than or equal to 5 characters/);
    expect((await post(actor.auth, '[1,2]')).status).toBe(400);
  });

  it('sends what the handler returns, with the status and headers it set on the reply', async () => {
    const res = await get('thing');
    expect(res.status).toBe(202);
    expect(res.headers.get('x-probe')).toBe('yes');
    expect(res.json).toEqual({ what: 'thing' });
    const text = await get('text');
    expect(text.status).toBe(200);
    expect(text.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(text.text).toBe('plain');
  });

  it('turns an ActingWebError into its JSON error and anything else into a 500 that reveals nothing', async () => {
    const refused = await get('refused');
    expect(refused.status).toBe(403);
    expect(refused.json).toEqual({ statusCode: 403, error: 'Forbidden', message: 'Not for you' });
    const broken = await get('broken');
    expect(broken.status).toBe(500);
    expect(broken.json).toMatchObject({ statusCode: 500, message: 'Internal server error' });
    expect(broken.json.requestId).toBe(broken.headers.get('x-request-id'));
    expect(broken.text).not.toContain('secret');
  });

  it('answers a path whose named parameter is empty as a path without a route', async () => {
    const probe = await call(`${server.url}${actor.id}/probe/`, { headers: actor.auth });
    expect(probe.status).toBe(404);
    expect(probe.json).toMatchObject({ statusCode: 404, message: `Cannot GET /${actor.id}/probe/` });
    // The same for the protocol's own routes, whoever asks and whatever the body.
    const trust = await call(`${server.url}${actor.id}/trust/`, { method: 'POST', body: { x: 1 } });
    expect(trust.status).toBe(404);
    expect(trust.json).toMatchObject({ message: `Cannot POST /${actor.id}/trust/` });
    expect((await call(`${server.url}/meta`)).status).toBe(404);
  });
});
