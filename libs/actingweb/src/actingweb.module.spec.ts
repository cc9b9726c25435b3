import { describe, expect, it } from '@jest/globals';
import { Inject, Injectable, Module } from '@nestjs/common';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { ActingWebModule } from './actingweb.module.js';
import { ActorService } from './actors/actor.service.js';
import { AwConfig } from './config/aw-config.js';

@Injectable()
class SettingsService {
  readonly baseUrl = 'https://async.example.com/';
}

@Module({ providers: [SettingsService], exports: [SettingsService] })
class SettingsModule {}

describe('ActingWebModule', () => {
  it('forRootAsync resolves options from an injected provider and exposes the services', async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [
        ActingWebModule.forRootAsync({
          imports: [SettingsModule],
          inject: [SettingsService],
          useFactory: (settings: SettingsService) => ({
            type: 'urn:actingweb:example.com:async',
            baseUrl: settings.baseUrl,
            storage: { type: 'sqlite', filename: ':memory:' },
          }),
        }),
      ],
    }).compile();
    const app = moduleRef.createNestApplication(new FastifyAdapter(), { logger: false });
    await app.init();
    try {
      expect(app.get(AwConfig).root).toBe('https://async.example.com/');
      const created = await app.get(ActorService).create({ creator: 'Someone@Example.com' });
      expect(created.actor.url).toBe(`https://async.example.com/${created.actor.id}`);
      expect((await app.get(ActorService).get(created.actor.id))?.creator).toBe('someone@example.com');
    } finally {
      await app.close();
    }
  });

  it('fails fast at startup with a clear message on invalid options', async () => {
    await expect(
      Test.createTestingModule({
        imports: [
          ActingWebModule.forRoot({
            type: 'not-a-urn',
            baseUrl: 'nowhere',
            storage: { type: 'sqlite', filename: ':memory:' },
          }),
        ],
      }).compile(),
    ).rejects.toThrow(/ActingWebModule: invalid options:[\s\S]*type must be a URN[\s\S]*baseUrl/);
  });

  it('fails fast on a port that is not one, and on a malformed rule table', async () => {
    const base = { type: 'urn:actingweb:example.com:ports', baseUrl: 'https://example.com/' };
    // Values are checked when the module is defined, factory results when it starts.
    expect(() => ActingWebModule.forRoot({ ...base, bearerTokenResolver: {} as never })).toThrow(
      /bearerTokenResolver must have a resolve\(\) method/,
    );
    await expect(
      Test.createTestingModule({
        imports: [
          ActingWebModule.forRootAsync({
            useFactory: () => base,
            mcpTokenResolver: { useFactory: () => 'not a resolver' as never },
          }),
        ],
      }).compile(),
    ).rejects.toThrow(/mcpTokenResolver must have a resolve\(\) method/);
    class NotAResolver {}
    await expect(
      Test.createTestingModule({
        imports: [
          ActingWebModule.forRoot({ ...base, bearerTokenResolver: { useClass: NotAResolver as never } }),
        ],
      }).compile(),
    ).rejects.toThrow(/bearerTokenResolver must have a resolve\(\) method/);
    expect(() =>
      ActingWebModule.forRoot({
        ...base,
        accessRules: [{ roles: [], path: '' }, { roles: ['anyone'], path: 'meta', when: 'always' } as never],
      }),
    ).toThrow(
      /invalid accessRules:[\s\S]*accessRules\[0\]\.roles[\s\S]*accessRules\[0\]\.path[\s\S]*accessRules\[1\] has unknown keys when/,
    );
  });

  it('with isGlobal: false, serves the importing module only', async () => {
    @Injectable()
    class UsesActors {
      constructor(@Inject(ActorService) readonly actors: ActorService) {}
    }
    const local = ActingWebModule.forRoot({
      type: 'urn:actingweb:example.com:local',
      baseUrl: 'https://local.example.com/',
      storage: { type: 'sqlite', filename: ':memory:' },
      isGlobal: false,
    });
    expect(local.global).toBe(false);
    @Module({ imports: [local], providers: [UsesActors] })
    class ImportingModule {}
    @Module({ providers: [UsesActors] })
    class OtherModule {}

    const ok = await Test.createTestingModule({ imports: [ImportingModule] }).compile();
    expect(ok.get(UsesActors).actors).toBeInstanceOf(ActorService);
    await ok.close();
    await expect(
      Test.createTestingModule({ imports: [ImportingModule, OtherModule] }).compile(),
    ).rejects.toThrow(/UsesActors/);
  });

  it('refuses to run on a non-Fastify HTTP adapter', async () => {
    // No Express adapter is installed in this workspace, so exercise the check on the plumbing service.
    const { HttpPlumbingService } = await import('./http/http-plumbing.service.js');
    const fakeHost = { httpAdapter: { getType: () => 'express' } } as never;
    const service = new HttpPlumbingService(fakeHost, {} as never, {} as never);
    expect(() => service.onModuleInit()).toThrow(/requires @nestjs\/platform-fastify/);
  });
});
