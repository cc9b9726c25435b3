import type { ConnectedOAuthClient } from '../../identity/oauth/oauth-clients.service.js';
import type { CatalogEntry } from '../services/console-catalog.service.js';
import { trustHref } from './trust.view.js';
import { shortTime } from './values.js';

/** The connected applications page. */
export function clientsPageData(base: string, clients: readonly ConnectedOAuthClient[], identityOn: boolean) {
  return {
    identityOn,
    revokeAction: `${base}/clients/revoke`,
    clients: clients.map((c) => ({
      name: c.clientName,
      clientId: c.clientId,
      consentedBy: c.consentedBy,
      relationship: c.relationship,
      trustHref: trustHref(base, c.peerId),
      activeGrants: c.activeGrants,
      connectedAt: c.connectedAt,
      connected: shortTime(c.connectedAt),
      lastUsedAt: c.lastUsedAt,
      lastUsed: shortTime(c.lastUsedAt),
    })),
  };
}

/** The methods page: one section per kind. */
export function methodsPageData(
  methods: readonly CatalogEntry[],
  actions: readonly CatalogEntry[],
  tools: readonly CatalogEntry[],
) {
  return {
    sections: [
      { id: 'methods', title: 'Methods', rows: methods },
      { id: 'actions', title: 'Actions', rows: actions },
      { id: 'tools', title: 'MCP tools', rows: tools },
    ],
  };
}
