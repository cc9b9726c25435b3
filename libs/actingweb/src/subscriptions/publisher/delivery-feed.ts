import type { Delivery } from './callback-delivery.service.js';

/** Where CallbackDelivery's callbacks come from when they are claimed from shared storage (CallbackOutbox). */
export interface DeliveryFeed {
  /** A callback it handed over was sent (or given up). */
  settled(delivery: Delivery): void;
  /** Resolves when it has nothing left to hand over and nothing handed over is unsettled. */
  whenIdle(): Promise<void>;
}
