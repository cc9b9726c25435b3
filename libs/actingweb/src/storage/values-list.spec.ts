import { valuesList } from './values-list.js';

describe('valuesList', () => {
  it('numbers PostgreSQL placeholders across rows, from the first parameter given', () => {
    expect(valuesList('postgres', ['?', 'cast(? as integer)'], 2)).toBe(
      '($1, cast($2 as integer)), ($3, cast($4 as integer))',
    );
    expect(valuesList('postgres', ['?'], 2, 5)).toBe('($5), ($6)');
  });

  it('uses ? on SQLite', () => {
    expect(valuesList('sqlite', ['?', '?', 'cast(? as integer)'], 2)).toBe(
      '(?, ?, cast(? as integer)), (?, ?, cast(? as integer))',
    );
  });

  it('is empty for no rows', () => {
    expect(valuesList('sqlite', ['?'], 0)).toBe('');
  });
});
