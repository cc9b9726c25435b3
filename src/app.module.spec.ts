import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createTestApp, type TestActor, type TestApp } from '@actingweb/nestjs/testing';
import { AppModule } from './app.module.js';

/** The example app's own module, started by the testing kit with the options the kit chooses. */
describe('example app', () => {
  let app: TestApp;
  let actor: TestActor;

  beforeAll(async () => {
    app = await createTestApp({ appModule: (options) => AppModule.register(options) });
    actor = await app.createActor({ creator: 'demo@example.com' });
  });
  afterAll(() => app.close());

  it('echoes what the echo action is given', async () => {
    expect(await actor.callAction('echo', { hello: 'world' })).toEqual({ echo: { hello: 'world' } });
  });

  it('lets a friend call it too, but not an anonymous caller', async () => {
    const friend = await actor.addPeer('friend');
    expect(await actor.as(friend).callAction('echo', 'hi')).toEqual({ echo: 'hi' });
    await expect(actor.as('anonymous').callAction('echo')).rejects.toThrow('Authentication required');
  });
});
