/**
 * Per-route facts the body parsers read before any guard runs, kept in the
 * Fastify route config (`request.routeOptions.config`).
 */
export interface AwRouteFlags {
  /**
   * A body that cannot be read (bad JSON, forbidden keys, too deep, bad
   * `Content-Encoding`) is not answered by the parser: the error waits on the
   * request until the access check has passed, so a caller without credentials
   * gets 401, never a 400 that tells it how the route validates. Set by
   * `ActorRouter` on every route with an access key.
   */
  readonly awAuthFirst?: boolean;
  /**
   * A form body (`application/x-www-form-urlencoded`, what `curl -d` sends) is
   * read like a body without a content type: JSON if it clearly is, text
   * otherwise (a property PUT stores the raw text, as the Python reference does).
   */
  readonly awFormAsText?: boolean;
}
