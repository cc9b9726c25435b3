/** The SQL engines the storage layer supports. */
export type SqlDialectName = 'sqlite' | 'postgres';
