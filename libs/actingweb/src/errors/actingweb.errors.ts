/**
 * Transport-neutral errors thrown by ActingWeb services.
 *
 * Services never throw Nest `HttpException`s; the HTTP layer maps these to a
 * status and a JSON body (`{ statusCode, error, message }`), MCP maps them to
 * JSON-RPC errors. `statusCode` is also what Nest's fallback filter reads, so
 * an error thrown outside our routes (e.g. from a body parser) still gets
 * the right status.
 *
 * @publicApi
 */
export class ActingWebError extends Error {
  /** HTTP status this error maps to. */
  readonly statusCode: number;
  /** Short machine-readable code, e.g. `actor_not_found`. */
  readonly code: string;
  /** Extra response headers (e.g. `WWW-Authenticate`, `Retry-After`). */
  readonly headers: Readonly<Record<string, string>>;
  /** Extra fields of the JSON error body (wire names), e.g. which step of a peer exchange failed. */
  readonly details: Readonly<Record<string, unknown>>;
  /**
   * `status` and `expose` make this an "http-errors"-shaped error, which Nest maps
   * to the right status when it is raised outside our routes (e.g. by a body parser).
   */
  readonly status: number;
  readonly expose: boolean;

  constructor(
    statusCode: number,
    code: string,
    message: string,
    headers: Record<string, string> = {},
    details: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = new.target.name;
    this.statusCode = statusCode;
    this.status = statusCode;
    this.expose = statusCode < 500;
    this.code = code;
    this.headers = headers;
    this.details = details;
  }
}

/** 400: the request is malformed or fails validation. @publicApi */
export class BadRequestError extends ActingWebError {
  constructor(message = 'Bad request', code = 'bad_request') {
    super(400, code, message);
  }
}

/** 401: credentials are required but none were sent. @publicApi */
export class UnauthorizedError extends ActingWebError {
  constructor(message = 'Authentication required', wwwAuthenticate?: string) {
    super(401, 'unauthorized', message, wwwAuthenticate ? { 'WWW-Authenticate': wwwAuthenticate } : {});
  }
}

/** 403: credentials are wrong, or the caller may not do this. @publicApi */
export class ForbiddenError extends ActingWebError {
  constructor(message = 'Forbidden', code = 'forbidden') {
    super(403, code, message);
  }
}

/** 404: the named resource does not exist. @publicApi */
export class NotFoundError extends ActingWebError {
  constructor(message = 'Not found', code = 'not_found') {
    super(404, code, message);
  }
}

/** 409: the request conflicts with the current state. @publicApi */
export class ConflictError extends ActingWebError {
  constructor(message = 'Conflict', code = 'conflict') {
    super(409, code, message);
  }
}

/** 413: the request body is larger than the configured limit. @publicApi */
export class PayloadTooLargeError extends ActingWebError {
  constructor(limitBytes: number) {
    super(413, 'payload_too_large', `Request body is larger than ${limitBytes} bytes`);
  }
}

/** 415: the body's content coding (`Content-Encoding`) is not one we decode. @publicApi */
export class UnsupportedMediaTypeError extends ActingWebError {
  constructor(message = 'Unsupported media type', code = 'unsupported_media_type') {
    super(415, code, message);
  }
}

/** 408: a peer did not answer in time (the protocol's status for failed peer calls). @publicApi */
export class PeerTimeoutError extends ActingWebError {
  constructor(message = 'Peer did not answer in time') {
    super(408, 'peer_timeout', message);
  }
}

/**
 * 408: a request this actor had to make to a peer failed: the peer was
 * unreachable or too slow, or answered with an error (the protocol's status
 * for a failed outbound trust or subscription attempt). The body says which
 * `step` failed and, when the peer answered, its `peer_status`.
 *
 * @publicApi
 */
export class PeerRequestFailedError extends ActingWebError {
  constructor(
    /** Which peer call failed, e.g. `meta` or `trust_request`. */
    readonly step: string,
    message: string,
    /** The peer's HTTP status, when it answered. */
    readonly peerStatus?: number,
  ) {
    super(
      408,
      'peer_request_failed',
      message,
      {},
      { step, ...(peerStatus !== undefined && { peer_status: peerStatus }) },
    );
  }
}

/** 429: too many requests of this kind; `Retry-After` says when to try again. @publicApi */
export class TooManyRequestsError extends ActingWebError {
  constructor(message: string, code: string, retryAfterSeconds: number) {
    super(429, code, message, { 'Retry-After': String(retryAfterSeconds) });
  }
}

/** 502: a peer answered with something we cannot use, or TLS failed. @publicApi */
export class PeerBadGatewayError extends ActingWebError {
  /** `peerStatus`: the peer's HTTP status, when it answered (goes out as `peer_status`). */
  constructor(message = 'Peer answered with an error', code = 'peer_bad_gateway', peerStatus?: number) {
    super(502, code, message, {}, peerStatus === undefined ? {} : { peer_status: peerStatus });
  }
}

/** 503: a peer (or a dependency) is unavailable. @publicApi */
export class ServiceUnavailableError extends ActingWebError {
  constructor(message = 'Service unavailable', code = 'unavailable') {
    super(503, code, message);
  }
}

/** 500: an application hook failed. The message never leaks the hook's error. @publicApi */
export class HookFailedError extends ActingWebError {
  constructor(hookName: string) {
    super(500, 'hook_failed', `Hook ${hookName} failed`);
  }
}
