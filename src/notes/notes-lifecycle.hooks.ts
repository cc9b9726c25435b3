import { Injectable, Logger } from '@nestjs/common';
import { LifecycleHook, type LifecycleHookContext } from '@actingweb/nestjs';
import { NOTES } from './note.js';
import { PEER_NOTES } from './peer-notes.js';

export const WELCOME = 'Welcome! Add notes with POST /properties/notes or the add_note MCP tool.';

/**
 * Lifecycle hooks run when something happens to an actor. Their errors are
 * logged and never undo what happened.
 */
@Injectable()
export class NotesLifecycleHooks {
  private readonly logger = new Logger('Notes');

  /**
   * A new actor starts with a welcome note in a described `notes` list, and
   * no copies of peers' notes yet: `GET /<actor>/properties` shows both.
   */
  @LifecycleHook('actor_created')
  async setUp({ actor }: LifecycleHookContext): Promise<void> {
    const notes = actor.propertyList(NOTES);
    await notes.append(WELCOME); // creates the list; the property hook stamps it like any note
    await notes.setMetadata({
      description: 'My notes',
      explanation: 'Items are {"text", "done", "createdAt"}; POST {"text": "..."} here to add one',
    });
    await actor.properties.set(PEER_NOTES, {});
  }

  /** Fires on both sides once both have approved; a sync hook. */
  @LifecycleHook('trust_approved')
  trusted({ actor, peerId, relationship }: LifecycleHookContext): void {
    this.logger.log(
      `${actor.id} trusts ${peerId} as ${relationship}; ` +
        `POST /${actor.id}/subscriptions {"peerid": "${peerId}", "target": "properties", "subtarget": "notes"} follows its notes`,
    );
  }

  /** No trust, no copy: forget what we kept of that peer's notes. */
  @LifecycleHook('trust_deleted')
  async untrusted({ actor, peerId }: LifecycleHookContext): Promise<void> {
    if (peerId) await actor.properties.delete(PEER_NOTES, peerId);
  }
}
