import { describe, expect, it } from '@jest/globals';
import { Injectable, Module } from '@nestjs/common';
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

  it('refuses to run on a non-Fastify HTTP adapter', async () => {
    // No Express adapter is installed in this workspace, so exercise the check on the plumbing service.
    const { HttpPlumbingService } = await import('./http/http-plumbing.service.js');
    const fakeHost = { httpAdapter: { getType: () => 'express' } } as never;
    const service = new HttpPlumbingService(fakeHost, {} as never);
    expect(() => service.onModuleInit()).toThrow(/requires @nestjs\/platform-fastify/);
  });
});
