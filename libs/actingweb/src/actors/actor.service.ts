import { randomBytes } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { AwConfig } from '../config/aw-config.js';
import { normalizeCreator } from '../common/creator.js';
import { ForbiddenError } from '../errors/actingweb.errors.js';
import { HookInvoker } from '../hooks/hook-invoker.service.js';
import { ActorRepository, type ActorRecord } from '../storage/actor.repository.js';
import { PropertyLookupRepository } from '../storage/property-lookup.repository.js';
import { secretsEqual } from '../auth/constant-time.js';
import type { ActorHandle } from '../hooks/actor-handle.js';
import { ActorHandleFactory } from '../properties/actor-handle.factory.js';
import { TrustManager } from '../trust/trust-manager.service.js';

/** Input of {@link ActorService.create}. @publicApi */
export interface CreateActorInput {
  /** Creator user name; default `creator`. Trimmed; lowercased when it contains `@`. */
  creator?: string;
  /** Passphrase for Basic auth; generated (40 hex chars) when absent. */
  passphrase?: string;
  /** URL of a trustee actor that manages this actor's trust relationships. */
  trusteeRoot?: string | null;
}

/** Result of {@link ActorService.create}. @publicApi */
export interface CreatedActor {
  actor: ActorHandle;
  passphrase: string;
  /** false when unique-creator mode returned the creator's existing actor. */
  created: boolean;
}

/** 32 lowercase hex characters from a CSPRNG (the reference's id shape). */
export function newActorId(): string {
  return randomBytes(16).toString('hex');
}

/** 40 hex characters (160 bits) from a CSPRNG. */
export function newSecret(): string {
  return randomBytes(20).toString('hex');
}

/**
 * Creates, finds and deletes actors; fires the `actor_created` and
 * `actor_deleted` lifecycle hooks. Usable from application code and hooks.
 *
 * @publicApi
 */
@Injectable()
export class ActorService {
  constructor(
    @Inject(ActorRepository) private readonly actors: ActorRepository,
    @Inject(HookInvoker) private readonly hooks: HookInvoker,
    @Inject(AwConfig) private readonly config: AwConfig,
    @Inject(ActorHandleFactory) private readonly handles: ActorHandleFactory,
    @Inject(TrustManager) private readonly trust: TrustManager,
    @Inject(PropertyLookupRepository) private readonly lookup: PropertyLookupRepository,
  ) {}

  /**
   * Creates an actor. With `uniqueCreator`, an existing creator gets its actor
   * back when the passphrase matches, and a ForbiddenError otherwise.
   */
  async create(input: CreateActorInput = {}): Promise<CreatedActor> {
    const record: ActorRecord = {
      id: newActorId(),
      creator: normalizeCreator(input.creator),
      passphrase: input.passphrase ?? newSecret(),
      trusteeRoot: input.trusteeRoot ?? null,
      createdAt: new Date().toISOString(),
    };

    if (this.config.uniqueCreator) {
      const result = await this.actors.createIfCreatorFree(record);
      if (!result.created) {
        const match =
          input.passphrase !== undefined &&
          result.existing.find((a) => secretsEqual(a.passphrase, input.passphrase!));
        if (!match) throw new ForbiddenError('Creator already exists', 'creator_exists');
        return { actor: this.handle(match), passphrase: match.passphrase, created: false };
      }
    } else {
      await this.actors.insert(record);
    }

    const actor = this.handle(record);
    await this.hooks.runLifecycle({ event: 'actor_created', actor });
    return { actor, passphrase: record.passphrase, created: true };
  }

  /** The actor, or null when it does not exist. */
  async get(actorId: string): Promise<ActorHandle | null> {
    const record = await this.actors.findById(actorId);
    return record ? this.handle(record) : null;
  }

  /**
   * The actors of a creator, lowest id first (an email address is matched
   * lowercased, as creators are stored); `[]` when there are none.
   */
  async findByCreator(creator: string): Promise<ActorHandle[]> {
    const records = await this.actors.findByCreator(normalizeCreator(creator));
    return records.map((record) => this.handle(record));
  }

  /**
   * The actor whose property `name` is the string `value`, or null. Only
   * names in the `indexedProperties` option can be looked up (others throw);
   * one actor holds a value, the first to store it (docs/properties.md#finding-actors).
   */
  async findByProperty(name: string, value: string): Promise<ActorHandle | null> {
    if (!this.config.indexedProperties.includes(name))
      throw new Error(
        `findByProperty: add "${name}" to the indexedProperties option to look actors up by it`,
      );
    const actorId = await this.lookup.holderOf(name, value);
    return actorId === null ? null : this.get(actorId);
  }

  /**
   * Deletes the actor and everything it owns. Fires `actor_deleted` first
   * (hooks can still read the actor), then tells every trusted peer
   * (`DELETE <peer>/trust/<rel>/<me>`, concurrently, failures only logged),
   * then removes the data. Returns false when it did not exist.
   */
  async delete(actorId: string): Promise<boolean> {
    const record = await this.actors.findById(actorId);
    if (!record) return false;
    const actor = this.handle(record);
    await this.hooks.runLifecycle({ event: 'actor_deleted', actor });
    await this.trust.notifyAllPeersOfDeletion(actor);
    return this.actors.delete(actorId);
  }

  /** The handle hooks and application code work with. */
  handle(record: ActorRecord): ActorHandle {
    return this.handles.create(record);
  }
}
