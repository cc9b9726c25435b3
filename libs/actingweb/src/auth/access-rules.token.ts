/** Injection token of the active access rules (defaults: DEFAULT_ACCESS_RULES). @publicApi */
export const ACCESS_RULES = Symbol('ACTINGWEB_ACCESS_RULES');
