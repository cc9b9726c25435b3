/**
 * A creator name as stored: trimmed, `creator` when empty, lowercased when it
 * is an email address (as the Python reference does). Used when an actor is
 * created and when its trustee renames the creator.
 */
export function normalizeCreator(creator: string | undefined): string {
  const trimmed = (creator ?? '').trim();
  if (!trimmed) return 'creator';
  return trimmed.includes('@') ? trimmed.toLowerCase() : trimmed;
}
