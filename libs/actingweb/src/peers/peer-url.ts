/**
 * The peer root URL as we call it: an absolute http(s) URL without query,
 * fragment or credentials, with no trailing slash (peer roots are compared as
 * strings). Null for anything else: a peer may announce any `baseuri` in a
 * trust request (the reference accepts any string), but we never send a
 * request to one that is not such a URL.
 */
export function callablePeerUrl(raw: string): string | null {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return null;
  }
  if (
    (url.protocol !== 'http:' && url.protocol !== 'https:') ||
    url.search ||
    url.hash ||
    url.username ||
    url.password
  ) {
    return null;
  }
  return url.href.replace(/\/+$/, '');
}
