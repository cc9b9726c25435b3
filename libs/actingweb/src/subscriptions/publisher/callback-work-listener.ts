import { Logger } from '@nestjs/common';
import type pg from 'pg';
import type { StorageOptions } from '../../config/actingweb-options.interface.js';
import { CALLBACK_WORK_CHANNEL } from '../../storage/callback-outbox.js';
import { loadPg } from '../../storage/load-pg.js';

/**
 * LISTEN for writes with callbacks stored by other instances on the same
 * schema (a hint only: instances poll too). One connection of its own, outside
 * the pool; reconnected by {@link ensure} after a failure.
 */
export class CallbackWorkListener {
  private readonly logger = new Logger('CallbackOutbox');
  private client?: pg.Client;
  private connecting?: Promise<void>;
  private closed = false;

  constructor(
    private readonly storage: Extract<StorageOptions, { type: 'postgres' }>,
    /** Our own notifications carry this tag and are ignored. */
    private readonly self: string,
    private readonly wake: () => void,
  ) {}

  /** Connects and listens unless already listening. */
  ensure(): Promise<void> {
    if (this.closed || this.client) return Promise.resolve();
    this.connecting ??= this.connect().finally(() => (this.connecting = undefined));
    return this.connecting;
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.connecting?.catch(() => undefined);
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => undefined);
  }

  private async connect(): Promise<void> {
    const pgModule = await loadPg();
    const client = new pgModule.Client({
      connectionString: this.storage.connectionString,
      options: this.storage.schema ? `-c search_path=${this.storage.schema}` : undefined,
    });
    const dropped = (err?: unknown) => {
      if (this.client !== client) return;
      this.client = undefined;
      if (!this.closed)
        this.logger.warn(`Listening for callbacks lost its connection: ${String(err ?? 'closed')}`);
      client.end().catch(() => undefined);
    };
    client.on('error', dropped);
    client.on('end', () => dropped());
    try {
      await client.connect();
      const { rows } = await client.query<{ schema: string }>('select current_schema() as schema');
      const schema = rows[0].schema;
      client.on('notification', (message) => {
        const [from, tag] = (message.payload ?? '').split(' ');
        if (from === schema && tag !== this.self) this.wake();
      });
      await client.query(`listen ${CALLBACK_WORK_CHANNEL}`);
      if (this.closed) throw new Error('closed');
      this.client = client;
    } catch (err) {
      await client.end().catch(() => undefined);
      if (!this.closed) this.logger.warn(`Listening for callbacks failed, polling only: ${String(err)}`);
    }
  }
}
