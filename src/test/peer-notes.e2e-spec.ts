import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { Logger } from '@nestjs/common';
import { AwProxy } from '@actingweb/nestjs';
import { createTestApp, settle, type TestActor, type TestApp } from '@actingweb/nestjs/testing';
import { exampleApp, STORAGES } from './example-app.js';

/**
 * Two servers running the notes app: alice (on one) trusts bob (on two) and
 * subscribes to his notes; her copy in `peer_notes/<bob>` follows every change.
 */
describe.each(STORAGES)(
  'the notes app on $name: following a peer’s notes across two servers',
  ({ storage }) => {
    let one: TestApp;
    let two: TestApp;
    let alice: TestActor;
    let bob: TestActor;

    /** What bob has, and what alice keeps of it. */
    const bobsNotes = () => bob.getProperty('notes');
    const alicesCopy = () => alice.getProperty('peer_notes', bob.id);

    beforeAll(async () => {
      [one, two] = await Promise.all([
        createTestApp(exampleApp(storage)),
        createTestApp(exampleApp(storage)),
      ]);
      alice = await one.createActor({ creator: 'alice@example.com' });
      bob = await two.createActor({ creator: 'bob@example.com' });
    });
    afterAll(() => Promise.all([one.close(), two.close()]));

    it('logs the trust once both sides approved (sync trust_approved hook)', async () => {
      const log = jest.spyOn(Logger.prototype, 'log');
      try {
        await alice.trust(bob, 'friend'); // over HTTP; bob's creator approves it
        const lines = log.mock.calls.map(([message]) => String(message));
        expect(lines).toContainEqual(expect.stringContaining(`${alice.id} trusts ${bob.id} as friend`));
        expect(lines).toContainEqual(expect.stringContaining(`${bob.id} trusts ${alice.id} as friend`));
      } finally {
        log.mockRestore();
      }
    });

    it('starts the copy with what bob has when alice subscribes', async () => {
      await alice.subscribe(bob, { target: 'properties', subtarget: 'notes' });
      expect(await alicesCopy()).toEqual(await bobsNotes());
      expect(((await alicesCopy()) as unknown[]).length).toBe(1); // bob's welcome note
    });

    it("brings bob's new note to alice's properties (async subscription hook)", async () => {
      const added = await bob.callTool('add_note', { text: 'Dinner on Friday?' });
      expect(added.isError).toBe(false);
      await settle(); // the callback was delivered and alice's hook has run
      const properties = await alice.getProperties();
      expect(properties.peer_notes).toEqual({ [bob.id]: await bobsNotes() });
      expect((await alicesCopy()) as unknown[]).toContainEqual(
        expect.objectContaining({ text: 'Dinner on Friday?' }),
      );
    });

    it('follows every kind of list change, from the diffs alone', async () => {
      const fetches = jest.spyOn(AwProxy.prototype, 'getResource');
      const notes = bob.handle.propertyList('notes');
      await notes.insert(0, { text: 'first things first' });
      await bob.setProperty(['notes', '2'], { text: 'Dinner on Friday!', done: true });
      await notes.append({ text: 'water the plants' });
      await bob.callAction('archive_done'); // a `remove` diff
      await notes.delete(0);
      await settle();
      expect(await alicesCopy()).toEqual(await bobsNotes());
      expect(((await alicesCopy()) as Array<{ text: string }>).map((n) => n.text)).toEqual([
        expect.stringContaining('Welcome'),
        'water the plants',
      ]);

      await notes.clear();
      await settle();
      expect(await alicesCopy()).toEqual([]);
      expect(fetches).not.toHaveBeenCalled(); // every diff fitted the copy: nothing was fetched
      fetches.mockRestore();
    });

    it('fetches the whole list when its copy is out of step', async () => {
      const fetches = jest.spyOn(AwProxy.prototype, 'getResource');
      await alice.handle.properties.set(['peer_notes', bob.id], [{ text: 'stale' }, { text: 'wrong' }]);
      await bob.handle.propertyList('notes').append({ text: 'back in step' });
      await settle();
      expect(await alicesCopy()).toEqual(await bobsNotes());
      expect(((await alicesCopy()) as Array<{ text: string }>).map((n) => n.text)).toEqual(['back in step']);
      expect(fetches.mock.calls.map(([, path]) => path)).toEqual(['properties/notes']);
      fetches.mockRestore();
    });

    it('works both ways: bob follows alice, each keeps a copy of the other', async () => {
      // To all of alice's properties this time: her notes' diffs come as {"notes": <diff>}, others are skipped.
      const fetches = jest.spyOn(AwProxy.prototype, 'getResource');
      await bob.subscribe(alice, { target: 'properties' });
      expect(fetches).toHaveBeenCalledTimes(1); // the copy starts with what alice has
      await alice.handle.properties.set('status', 'busy');
      await alice.handle.propertyList('notes').append({ text: 'from alice' });
      await settle();
      expect(await bob.getProperty('peer_notes')).toEqual({ [alice.id]: await alice.getProperty('notes') });
      expect(fetches).toHaveBeenCalledTimes(1); // every diff fitted
      fetches.mockRestore();
      expect(((await alicesCopy()) as Array<{ text: string }>).map((n) => n.text)).toEqual(['back in step']);
    });

    it('drops the copies when the trust ends, on both sides (trust_deleted hook)', async () => {
      await alice.handle.trust.deletePeerTrust(bob.id); // bob is told, and deletes his side too
      expect(await alice.getProperty('peer_notes')).toEqual({});
      expect(await bob.getProperty('peer_notes')).toEqual({});
    });
  },
);
