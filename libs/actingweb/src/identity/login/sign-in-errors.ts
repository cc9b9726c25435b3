import { ActingWebError } from '../../errors/actingweb.errors.js';

/**
 * Why a provider sign-in failed; shown to the person as a page with this
 * status and message. `retryFrom` is the sign-in page to offer again (with
 * the original `return_to`), when the sign-in got far enough to know it.
 */
export class SignInFailedError extends ActingWebError {
  retryFrom: string | null = null;

  constructor(status: number, code: string, message: string, headers: Record<string, string> = {}) {
    super(status, code, message, headers);
  }
}

/** 400: no sign-in started in this browser with this `state` (forged, replayed, expired or other browser). */
export function signInStateError(): SignInFailedError {
  return new SignInFailedError(
    400,
    'login_state',
    'This sign-in has expired, was already used, or was started in another browser. Start again.',
  );
}

/** 400: the provider answered the authorization request with an error (the person cancelled, ...). */
export function providerRefusedError(
  provider: string,
  error: string,
  description?: string,
): SignInFailedError {
  const detail = description ? `${description} (${error})` : error;
  return new SignInFailedError(
    400,
    'provider_error',
    `${provider} did not sign you in: ${detail}`.slice(0, 500),
  );
}

/** 502: the provider could not be reached, or answered with something unusable. */
export function providerFailedError(provider: string): SignInFailedError {
  return new SignInFailedError(
    502,
    'provider_failed',
    `Signing in with ${provider} failed: the provider could not be reached or its answer was not valid. Try again later.`,
  );
}

/** 403: no email, or one the provider has not verified. */
export function emailNotVerifiedError(provider: string, hasEmail: boolean): SignInFailedError {
  return new SignInFailedError(
    403,
    'email_not_verified',
    hasEmail
      ? `${provider} has not verified the email address of this account, so it cannot sign you in here. Verify it at ${provider} (for GitHub: the primary address) and try again.`
      : `${provider} did not give an email address for this account, so it cannot sign you in here.`,
  );
}

/** 403: the sign-in was for another person's actor (e.g. to connect an application to it). */
export function wrongAccountError(actorId: string): SignInFailedError {
  return new SignInFailedError(
    403,
    'wrong_account',
    `The account you signed in with does not own actor ${actorId}. Sign in with the account that owns it.`,
  );
}

/** 403: no actor for this email, and the application does not create them on sign-in. */
export function noActorError(): SignInFailedError {
  return new SignInFailedError(403, 'no_actor', 'There is no actor for this account on this server.');
}

/** 403: the application's `oauth_success` hook refused the sign-in. */
export function signInVetoedError(message?: string): SignInFailedError {
  return new SignInFailedError(403, 'sign_in_refused', message ?? 'This application refused the sign-in.');
}
