import { Inject, Injectable } from '@nestjs/common';
import type { ActorHandle } from '../../hooks/actor-handle.js';
import { OAuthClients, type ConnectedOAuthClient } from '../../identity/oauth/oauth-clients.service.js';
import type { TrustRecord } from '../../storage/trust.repository.js';
import {
  SubscriptionManager,
  type SubscriptionRecord,
} from '../../subscriptions/subscription-manager.service.js';
import { TrustManager } from '../../trust/trust-manager.service.js';
import { ConsoleProperties } from './console-properties.service.js';

/** What the overview page shows. */
export interface ActorOverview {
  readonly properties: number;
  readonly trusts: readonly TrustRecord[];
  readonly inbound: readonly SubscriptionRecord[];
  readonly outbound: readonly SubscriptionRecord[];
  readonly clients: readonly ConnectedOAuthClient[];
}

/** The actor at a glance: how much of everything it has (the view derives the recent activity). */
@Injectable()
export class ConsoleOverview {
  constructor(
    @Inject(ConsoleProperties) private readonly properties: ConsoleProperties,
    @Inject(TrustManager) private readonly trust: TrustManager,
    @Inject(SubscriptionManager) private readonly subscriptions: SubscriptionManager,
    @Inject(OAuthClients) private readonly clients: OAuthClients,
  ) {}

  async of(actor: ActorHandle): Promise<ActorOverview> {
    const [properties, trusts, inbound, outbound, clients] = await Promise.all([
      this.properties.count(actor),
      this.trust.getRelationships(actor.id),
      this.subscriptions.listInbound(actor.id),
      this.subscriptions.listOutbound(actor.id),
      this.clients.list(actor.id),
    ]);
    return { properties, trusts, inbound, outbound, clients };
  }
}
