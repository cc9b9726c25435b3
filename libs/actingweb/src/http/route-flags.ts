import { FASTIFY_ROUTE_CONFIG_METADATA } from '@nestjs/platform-fastify/constants.js';

/**
 * Per-route facts the body parsers read before any guard runs, kept in the
 * Fastify route config (`request.routeOptions.config`).
 */
export interface AwRouteFlags {
  /**
   * A body that cannot be read (bad JSON, forbidden keys, too deep, bad
   * `Content-Encoding`) is not answered by the parser: the error waits on the
   * request until the access guard has passed, so a caller without credentials
   * gets 401, never a 400 that tells it how the route validates. Set by `@Access`.
   */
  readonly awAuthFirst?: boolean;
  /**
   * A form body (`application/x-www-form-urlencoded`, what `curl -d` sends) is
   * read like a body without a content type: JSON if it clearly is, text
   * otherwise (a property PUT stores the raw text, as the Python reference does).
   */
  readonly awFormAsText?: boolean;
}

/** Adds flags to a route's Fastify config, keeping flags set by other decorators. */
export function RouteFlags(flags: AwRouteFlags): MethodDecorator {
  return (_target, _key, descriptor) => {
    const handler = descriptor.value as object;
    const current = (Reflect.getMetadata(FASTIFY_ROUTE_CONFIG_METADATA, handler) ?? {}) as object;
    Reflect.defineMetadata(FASTIFY_ROUTE_CONFIG_METADATA, { ...current, ...flags }, handler);
    return descriptor;
  };
}
