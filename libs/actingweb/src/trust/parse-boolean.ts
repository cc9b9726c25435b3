/** Python peers send booleans as strings (`"true"`, `"True"`): both forms are accepted; anything else is undefined. */
export function parseBoolean(value: unknown): boolean | undefined {
  if (value === true || value === 'true' || value === 'True') return true;
  if (value === false || value === 'false' || value === 'False') return false;
  return undefined;
}
