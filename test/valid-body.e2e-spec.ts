import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Module, Post } from '@nestjs/common';
import { IsString, MaxLength } from 'class-validator';
import { ActingWebModule, type ActorRecord } from '@actingweb/nestjs';
// The building blocks of the library's own controllers (not public API).
import { Access, Actor, Caller } from '../libs/actingweb/src/auth/access.decorators.js';
import { ActorController } from '../libs/actingweb/src/auth/actor-controller.decorator.js';
import { AuthModule } from '../libs/actingweb/src/auth/auth.module.js';
import { ValidBody } from '../libs/actingweb/src/http/valid-body.js';
import { basic, call, startApp, STORAGES, type TestServer } from './support/test-app.js';
import { newActor, type TestActor } from './support/subscriptions.js';

class NoteDto {
  @IsString()
  @MaxLength(5)
  text!: string;
}

/** A route built the way the library's controllers are: `@Access`, `@ValidBody`, `@Actor`, `@Caller`. */
@ActorController('probe')
class ProbeController {
  @Post()
  @Access('properties')
  post(@Actor() actor: ActorRecord, @Caller() caller: Caller, @ValidBody(NoteDto) note: NoteDto) {
    return { actor: actor.id, caller: caller.kind, text: note.text, dto: note instanceof NoteDto };
  }
}

describe.each(STORAGES)('@ValidBody, @Actor and @Caller on $name', (storage) => {
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
        controllers: [ProbeController],
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

  it('hands the handler the actor, the caller and the validated DTO', async () => {
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
});
