/**
 * The peer root URL as we call it: an absolute http(s) URL without query,
 * fragment or credentials, with no trailing slash (peer roots are compared as
 * strings). Null for anything else: a peer may announce any `baseuri` in a
 * trust request (the reference accepts any string), but we never send a
 * request to one that is not such a URL.
 */
export function callablePeerUrl(raw: string): string | null {
  const url = parseCallable(raw);
  return url === null ? null : url.href.replace(/\/+$/, '');
}

/**
 * {@link callablePeerUrl} split for a request: the origin and the root's path
 * without trailing slash (`''` for a root at `/`), from one parse.
 */
export function callablePeerOrigin(raw: string): { origin: string; path: string } | null {
  const url = parseCallable(raw);
  return url === null ? null : { origin: url.origin, path: url.pathname.replace(/\/+$/, '') };
}

function parseCallable(raw: string): URL | null {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return null;
  }
  const plain =
    (url.protocol === 'http:' || url.protocol === 'https:') &&
    !url.search &&
    !url.hash &&
    !url.username &&
    !url.password;
  return plain ? url : null;
}
