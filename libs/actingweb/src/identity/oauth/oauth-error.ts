import { ActingWebError } from '../../errors/actingweb.errors.js';

/** Error codes of RFC 6749 §4.1.2.1 / §5.2, RFC 7591 §3.2.2, RFC 7009 §2.2.1 and RFC 8707 §2. */
export type OAuthErrorCode =
  | 'invalid_request'
  | 'invalid_client'
  | 'invalid_grant'
  | 'unauthorized_client'
  | 'unsupported_grant_type'
  | 'unsupported_response_type'
  | 'invalid_scope'
  | 'invalid_target'
  | 'access_denied'
  | 'server_error'
  | 'temporarily_unavailable'
  | 'invalid_redirect_uri'
  | 'invalid_client_metadata'
  | 'unsupported_token_type';

/**
 * An OAuth protocol error. The HTTP layer answers it as the RFC 6749 §5.2
 * JSON object `{ error, error_description }` (token, revocation and
 * registration endpoints) or as an error redirect (authorization endpoint).
 * `invalid_client` is 401 (with a Basic challenge when Basic was tried).
 */
export class OAuthError extends ActingWebError {
  declare readonly code: OAuthErrorCode;

  constructor(
    error: OAuthErrorCode,
    description: string,
    status = 400,
    headers: Record<string, string> = {},
  ) {
    super(status, error, description, headers);
  }

  /** The RFC 6749 §5.2 body. */
  toJSON(): { error: string; error_description: string } {
    return { error: this.code, error_description: this.message };
  }
}

/**
 * An authorization request that cannot be answered by redirecting to the
 * client (unknown client, bad redirect URI): the person sees an error page
 * instead, so nothing is sent to an unverified URI (RFC 6749 §4.1.2.1).
 */
export class AuthorizationPageError extends ActingWebError {
  constructor(message: string, status = 400, code = 'invalid_request') {
    super(status, code, message);
  }
}
