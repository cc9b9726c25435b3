import { isLoopbackHost } from '../../config/identity-options.js';

/**
 * Whether `requested` is one of the client's `registered` redirect URIs:
 * exact string comparison, except that for `http` on a loopback host the
 * port is ignored (RFC 8252 §7.3: native apps listen on any free port; the
 * registered URI may name a port or none). Scheme, host, path and query
 * must still be identical.
 */
export function matchesRegisteredRedirectUri(requested: string, registered: readonly string[]): boolean {
  if (registered.includes(requested)) return true;
  const loose = loopbackWithoutPort(requested);
  return loose !== null && registered.some((uri) => loopbackWithoutPort(uri) === loose);
}

/** `http://<loopback host><path><query>` without the port, or null for any other URI. */
function loopbackWithoutPort(uri: string): string | null {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return null;
  }
  if (url.protocol !== 'http:' || !isLoopbackHost(url.hostname) || url.hash || uri.includes('#')) return null;
  if (url.username || url.password) return null;
  return `http://${url.hostname.toLowerCase()}${url.pathname}${url.search}`;
}

/** Whether every redirect URI is on this device (loopback or a private-use scheme): the consent page warns. */
export function allLocal(uris: readonly string[]): boolean {
  return uris.every((uri) => {
    try {
      const url = new URL(uri);
      return url.protocol === 'http:' ? isLoopbackHost(url.hostname) : url.protocol !== 'https:';
    } catch {
      return false;
    }
  });
}

/** The host (or scheme, for a private-use scheme) shown on the consent page. */
export function redirectTarget(uri: string): string {
  try {
    const url = new URL(uri);
    if (url.protocol === 'http:' || url.protocol === 'https:') return url.host;
    return url.protocol.replace(/:$/, '');
  } catch {
    return uri;
  }
}
