import type { HookKind } from './hook.types.js';

/** Reflect metadata key under which hook decorators store their entries (an array) on a method. */
export const ACTINGWEB_HOOKS_METADATA = 'actingweb:hooks';

/** Hook name matching every name of its kind; wildcard hooks run after the named ones. */
export const WILDCARD = '*';

/** Every hook kind, in documentation order. */
export const HOOK_KINDS = [
  'property',
  'method',
  'action',
  'callback',
  'subscription',
  'lifecycle',
] as const satisfies readonly HookKind[];
