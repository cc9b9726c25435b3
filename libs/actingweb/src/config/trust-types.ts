import type { Permissions } from '../common/permissions.types.js';

/**
 * A kind of trust relationship and the base permissions it grants. The name
 * is the `relationship` of the trust (`/trust/<name>/<peer>`).
 *
 * @publicApi
 */
export interface TrustTypeDefinition {
  /** Lowercase identifier, e.g. `friend` or `mcp_client`. */
  name: string;
  /** Human-readable name. Default: the name. */
  displayName?: string;
  /** What the relationship allows. Default: empty. */
  description?: string;
  /** Base permissions, before any per-relationship override. */
  permissions: Permissions;
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}

const FRIEND_PERMISSIONS: Permissions = {
  properties: {
    patterns: ['*'],
    operations: ['read', 'write'],
    excluded_patterns: ['private/*', 'security/*', '_internal/*'],
  },
  methods: { allowed: ['*'], denied: ['delete_*', 'admin_*', 'system_*'] },
  actions: { allowed: ['*'], denied: ['delete_*', 'admin_*', 'system_*'] },
  tools: { allowed: ['*'], denied: ['admin_*', 'system_*'] },
  resources: {
    patterns: ['*'],
    operations: ['read', 'write'],
    excluded_patterns: ['private/*', 'security/*'],
  },
};

/**
 * The built-in trust types with the base permissions of the Python reference
 * (`actingweb/trust_type_registry.py`), plus `proxy` (a relationship named by
 * the ActingWeb specification) with friend-level permissions. Deeply frozen.
 *
 * @publicApi
 */
export const BUILT_IN_TRUST_TYPES: readonly TrustTypeDefinition[] = deepFreeze([
  {
    name: 'associate',
    displayName: 'Associate',
    description: 'Basic ActingWeb peer relationship with limited access',
    permissions: {
      properties: { patterns: ['public/*'], operations: ['read'] },
      methods: { allowed: ['get_*', 'ping'], denied: ['delete_*', 'admin_*', 'system_*'] },
      actions: { allowed: [], denied: ['*'] },
      tools: { allowed: [], denied: ['*'] },
      resources: { patterns: ['public/*'], operations: ['read'] },
    },
  },
  {
    name: 'viewer',
    displayName: 'Viewer',
    description: 'Read-only access to public properties and basic methods',
    permissions: {
      properties: { patterns: ['public/*', 'shared/*'], operations: ['read'] },
      methods: { allowed: ['get_*', 'list_*', 'export_*'], denied: ['delete_*', 'admin_*'] },
      actions: { allowed: [], denied: ['*'] },
      tools: { allowed: [], denied: ['*'] },
      resources: { patterns: ['public/*'], operations: ['read'] },
    },
  },
  {
    name: 'friend',
    displayName: 'Friend',
    description: 'Access to shared resources and most actions',
    permissions: FRIEND_PERMISSIONS,
  },
  {
    name: 'partner',
    displayName: 'Partner',
    description: 'Enhanced access for business partners and collaborators',
    permissions: {
      properties: { patterns: ['*'], operations: ['read', 'write'], excluded_patterns: ['_internal/*'] },
      methods: { allowed: ['*'], denied: ['admin_*', 'system_*'] },
      actions: { allowed: ['*'], denied: ['admin_*', 'system_*'] },
      tools: { allowed: ['*'], denied: ['admin_*', 'system_*'] },
      resources: { patterns: ['*'], operations: ['read', 'write'], excluded_patterns: ['security/*'] },
    },
  },
  {
    name: 'admin',
    displayName: 'Administrator',
    description: 'Full administrative access to all resources',
    permissions: {
      properties: { patterns: ['*'], operations: ['read', 'write', 'delete'] },
      methods: { allowed: ['*'] },
      actions: { allowed: ['*'] },
      tools: { allowed: ['*'] },
      resources: { patterns: ['*'], operations: ['read', 'write', 'delete'] },
    },
  },
  {
    name: 'mcp_client',
    displayName: 'MCP Client (AI Assistant)',
    description: 'AI assistant with secure access to read data and use specific tools',
    permissions: {
      properties: {
        patterns: ['public/*', 'shared/*', 'notes/*', 'profile/*'],
        operations: ['read'],
        excluded_patterns: ['private/*', 'security/*', '_internal/*', 'oauth_*', 'auth_*'],
      },
      methods: {
        allowed: ['get_*', 'list_*', 'search_*', 'export_*'],
        denied: ['delete_*', 'admin_*', 'system_*', 'oauth_*', 'auth_*'],
      },
      actions: {
        allowed: ['search', 'fetch', 'export'],
        denied: ['delete_*', 'admin_*', 'system_*', 'oauth_*', 'auth_*'],
      },
      tools: {
        allowed: ['search', 'fetch', 'create_note', 'list', 'get_*', 'list_*'],
        denied: ['admin_*', 'system_*', 'delete_*', 'oauth_*', 'auth_*'],
      },
      resources: {
        patterns: ['public/*', 'shared/*', 'notes://*', 'usage://*', 'actingweb://properties/all'],
        operations: ['read'],
        excluded_patterns: ['private/*', 'security/*', 'oauth://*', 'auth://*'],
      },
      prompts: { allowed: ['analyze_*', 'create_*', 'summarize_*', 'generate_*'] },
    },
  },
  {
    name: 'proxy',
    displayName: 'Proxy',
    description: 'Acts on behalf of the actor (ActingWeb specification relationship); friend-level access',
    permissions: structuredClone(FRIEND_PERMISSIONS),
  },
]);
