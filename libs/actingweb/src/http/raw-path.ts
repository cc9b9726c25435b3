/**
 * The part of the request path after `marker`, still percent-encoded (`''`
 * when the path does not go past it). Route parameters arrive decoded, which
 * turns an encoded `%2F` into a separator; a path whose segments are checked
 * one by one (property paths) must be split before it is decoded.
 *
 * ```ts
 * rawPathAfter(call.request.url, '/devtest/proxy/properties/')
 * ```
 */
export function rawPathAfter(url: string, marker: string): string {
  const query = url.indexOf('?');
  const path = query < 0 ? url : url.slice(0, query);
  const at = path.indexOf(marker);
  return at < 0 ? '' : path.slice(at + marker.length);
}
