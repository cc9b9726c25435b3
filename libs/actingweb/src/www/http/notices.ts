/**
 * What a page says after a form succeeded (Post/Redirect/Get: the redirect
 * carries `?notice=<key>`). Only these texts can appear, so the query
 * cannot put words on the page.
 */
export const NOTICES: Readonly<Record<string, string>> = Object.freeze({
  'property-added': 'Property added.',
  'property-saved': 'Saved.',
  'property-deleted': 'Deleted.',
  'key-added': 'Key added.',
  'item-added': 'Item added.',
  'item-saved': 'Item saved.',
  'item-removed': 'Item removed.',
  'list-saved': 'Description saved.',
  'trust-requested': 'Trust requested. It is approved when the peer approves it too.',
  'trust-approved': 'Trust approved; the peer was told.',
  'trust-deleted': 'Trust deleted; the peer was told.',
  'trust-deleted-here': 'Trust deleted here. The peer was not told.',
  'trust-checked': 'Asked the peer again.',
  'permissions-saved': 'Permissions saved.',
  'permissions-reset': 'The trust type decides again.',
  subscribed: 'Subscribed.',
  'subscription-ended': 'Subscription ended.',
  'client-revoked': 'Access revoked. The application has to ask again.',
});

/** The notice for a `?notice=` value, or null. */
export function noticeFor(query: unknown): string | null {
  const key = (query as { notice?: unknown } | undefined)?.notice;
  return typeof key === 'string' && Object.hasOwn(NOTICES, key) ? NOTICES[key] : null;
}
