/** Injection token of the raw module options. @publicApi */
export const ACTINGWEB_MODULE_OPTIONS = Symbol('ACTINGWEB_MODULE_OPTIONS');

/** The embedded SQLite database when `storage` is not set, or names no `filename`. */
export const DEFAULT_SQLITE_FILENAME = './data/actingweb.sqlite';

/** ActingWeb specification version we implement (served at `/meta/actingweb/version`). */
export const ACTINGWEB_SPEC_VERSION = '1.4';

/** Option tags of the endpoints this build implements (ActingWeb spec, "Option tags"). */
export const BUILT_IN_OPTION_TAGS: readonly string[] = [
  'nestedproperties',
  'listproperties',
  'trust',
  'trustpermissions',
  'permissionquery',
  'subscriptions',
  'subscriptionresync',
  'callbackcompression',
  'callbacks',
  'methods',
  'actions',
  'resources',
];
