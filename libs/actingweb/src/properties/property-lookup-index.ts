import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import type { Transaction } from 'kysely';
import { AwConfig } from '../config/aw-config.js';
import { ActingWebDatabase } from '../storage/actingweb-database.js';
import type { AwDatabase } from '../storage/database.types.js';
import { PropertyLookupRepository } from '../storage/property-lookup.repository.js';
import { PropertyChangeFeed, type PropertyChange } from './property-change.js';

/**
 * Keeps the lookup table behind `ActorService.findByProperty` in step with the
 * properties named in the `indexedProperties` option, inside each write's
 * transaction: a top-level value that is a non-empty string becomes the
 * actor's entry for that name; any other value, a nested write (the value is
 * then an object) or a delete removes it. One actor per value: when another
 * actor holds it already, it keeps it and the write only logs a warning.
 *
 * At startup, names newly listed get the values already stored indexed, and
 * names no longer listed lose their entries (so listing one again re-reads it).
 */
@Injectable()
export class PropertyLookupIndex implements OnModuleInit {
  private readonly logger = new Logger('PropertyLookupIndex');
  private readonly names: ReadonlySet<string>;

  constructor(
    @Inject(AwConfig) config: AwConfig,
    @Inject(ActingWebDatabase) private readonly database: ActingWebDatabase,
    @Inject(PropertyLookupRepository) private readonly lookup: PropertyLookupRepository,
    @Inject(PropertyChangeFeed) private readonly feed: PropertyChangeFeed,
  ) {
    this.names = new Set(config.indexedProperties);
  }

  async onModuleInit(): Promise<void> {
    await this.synchronise();
    if (this.names.size > 0) this.feed.onChangeInTransaction((tx, changes) => this.apply(tx, changes));
  }

  /** One transaction, serialised across instances sharing the database. */
  private async synchronise(): Promise<void> {
    await this.database.transaction(async (tx) => {
      await this.database.lockInTransaction(tx, 'property_lookup_names');
      const filled = new Set(await this.lookup.indexedNames(tx));
      for (const name of filled) {
        if (!this.names.has(name)) await this.lookup.drop(name, tx);
      }
      for (const name of this.names) {
        if (filled.has(name)) continue;
        const count = await this.lookup.fill(name, tx);
        this.logger.log(`Indexed ${count} stored value(s) of property ${name}`);
      }
    });
  }

  private async apply(tx: Transaction<AwDatabase>, changes: readonly PropertyChange[]): Promise<void> {
    for (const change of changes) {
      const name = change.path[0];
      if (change.operation === 'list' || !this.names.has(name)) continue;
      const value = change.path.length === 1 ? change.newValue : undefined;
      if (typeof value !== 'string' || value === '') {
        await this.lookup.unindex(change.actorId, name, tx);
        continue;
      }
      const result = await this.lookup.index(change.actorId, name, value, tx);
      if (!result.stored) {
        this.logger.warn(
          `Property ${name} of actor ${change.actorId} has a value actor ${result.holder} already holds; ` +
            'findByProperty keeps finding that actor',
        );
      }
    }
  }
}
