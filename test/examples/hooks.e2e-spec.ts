import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Injectable } from '@nestjs/common';
import {
  ActionHook,
  ForbiddenError,
  MethodHook,
  UnauthorizedError,
  type ActionHookContext,
  type MethodHookContext,
} from '@actingweb/nestjs';
import { createTestApp, type TestActor, type TestApp } from '@actingweb/nestjs/testing';

@Injectable()
class NotesHooks {
  /** A sync hook: `POST /<actor>/methods/get_greeting`. */
  @MethodHook('get_greeting')
  greeting({ actor, data }: MethodHookContext) {
    const { name } = data as { name: string };
    return { greeting: `Hello ${name}, this is ${actor.creator}` };
  }

  /** An async hook: `POST /<actor>/actions/add_note`. */
  @ActionHook('add_note')
  async addNote({ actor, data }: ActionHookContext) {
    const notes = ((await actor.properties.get('notes')) as string[] | undefined) ?? [];
    await actor.properties.set('notes', [...notes, (data as { text: string }).text]);
    return { count: notes.length + 1 };
  }

  @ActionHook('delete_notes')
  async deleteNotes({ actor }: ActionHookContext) {
    await actor.properties.delete('notes');
    return { deleted: true };
  }
}

describe('notes hooks', () => {
  let app: TestApp;
  let alice: TestActor;

  beforeAll(async () => {
    app = await createTestApp({ providers: [NotesHooks] });
    alice = await app.createActor({ creator: 'alice@example.com' });
  });
  afterAll(() => app.close());

  it('runs a sync method hook and returns its result', async () => {
    expect(await alice.callMethod('get_greeting', { name: 'Bob' })).toEqual({
      greeting: 'Hello Bob, this is alice@example.com',
    });
  });

  it('awaits an async action hook', async () => {
    expect(await alice.callAction('add_note', { text: 'milk' })).toEqual({ count: 1 });
    expect(await alice.callAction('add_note', { text: 'eggs' })).toEqual({ count: 2 });
    expect(await alice.getProperty('notes')).toEqual(['milk', 'eggs']);
  });

  it("checks the caller's access and trust permissions before any hook runs", async () => {
    // A peer alice trusts as a friend: friends may call actions, except delete_* ones.
    const friend = await alice.addPeer('friend');
    expect(await alice.as(friend).callAction('add_note', { text: 'bread' })).toEqual({ count: 3 });
    await expect(alice.as(friend).callAction('delete_notes')).rejects.toThrow(ForbiddenError);
    await expect(alice.as('anonymous').callAction('add_note', { text: 'spam' })).rejects.toThrow(
      UnauthorizedError,
    );
    expect(await alice.handle.properties.get('notes')).toEqual(['milk', 'eggs', 'bread']);
  });
});
