import { Inject, Injectable, Logger } from '@nestjs/common';
import * as oidc from 'openid-client';
import { ActorService } from '../../actors/actor.service.js';
import { secretsEqual } from '../../auth/constant-time.js';
import { AwConfig } from '../../config/aw-config.js';
import { ActingWebError, NotFoundError, TooManyRequestsError } from '../../errors/actingweb.errors.js';
import { HookInvoker } from '../../hooks/hook-invoker.service.js';
import type { OAuthSuccessHookContext } from '../../hooks/hook.types.js';
import { logPrefix } from '../../common/request-context.js';
import { tokenDigest } from '../oauth/opaque-tokens.js';
import { ProviderLoginRepository } from '../storage/provider-login.repository.js';
import { IdentityActors } from './identity-actors.service.js';
import { ProviderClients, type ProviderAccount } from './provider-clients.js';
import type { ResolvedIdentityProvider } from '../../config/identity-provider-options.js';
import { RateLimiter } from './rate-limiter.js';
import {
  emailNotVerifiedError,
  providerFailedError,
  providerRefusedError,
  SignInFailedError,
  signInStateError,
  signInVetoedError,
} from './sign-in-errors.js';

/** How a sign-in starts: who asks, and where it goes afterwards. */
export interface SignInStart {
  /** The value of the browser's sign-in cookie; the callback must come with the same. */
  browserKey: string;
  /** Path relative to the root to return to. */
  returnTo: string;
  /** The sign-in is for this actor: another person's account is refused. */
  forActorId: string | null;
  clientAddress: string;
}

/** A completed sign-in. */
export interface SignedIn {
  actorId: string;
  email: string;
  provider: string;
  returnTo: string;
}

/** An email address: one `@`, no spaces, a local part of at most 64 and a domain of at most 253 characters (RFC 5321 §4.5.3.1). */
const EMAIL = /^[^@\s]{1,64}@[^@\s]{1,253}$/;

/** A sign-in must come back from the provider within this time. */
const STATE_TTL_MS = 10 * 60 * 1000;

/**
 * Sign-in with an identity provider, from the button to the session:
 *
 * 1. {@link start}: a fresh `state`, PKCE verifier and (OpenID Connect)
 *    `nonce`, kept in `login_states` under the hash of `state`, bound to the
 *    browser (the hash of its sign-in cookie), for 10 minutes, with where to
 *    return and the actor the sign-in is for; the provider's authorization URL.
 * 2. {@link finish}: the callback. The state is taken (single use) and must
 *    belong to this browser, else 400 — a callback planted in someone else's
 *    browser (login CSRF) gets nowhere. Then the code exchange and its checks,
 *    the verified email, the actor (found or created), the `oauth_success`
 *    hooks (which may refuse), and the identity is recorded.
 */
@Injectable()
export class ProviderLogin {
  private readonly logger = new Logger('ActingWebIdentity');
  private readonly startsByAddress: RateLimiter;

  constructor(
    @Inject(AwConfig) private readonly config: AwConfig,
    @Inject(ProviderClients) private readonly clients: ProviderClients,
    @Inject(ProviderLoginRepository) private readonly repository: ProviderLoginRepository,
    @Inject(IdentityActors) private readonly identityActors: IdentityActors,
    @Inject(ActorService) private readonly actorService: ActorService,
    @Inject(HookInvoker) private readonly hooks: HookInvoker,
  ) {
    const { max, windowSeconds } = config.identity?.rateLimits.login ?? { max: 10, windowSeconds: 300 };
    this.startsByAddress = new RateLimiter(max * 3, windowSeconds * 1000);
  }

  get providers(): readonly ResolvedIdentityProvider[] {
    return this.config.identity?.providers ?? [];
  }

  /** The provider's authorization URL for a new sign-in (404 for an unknown provider, 429 when rate-limited). */
  async start(providerId: string, start: SignInStart): Promise<URL> {
    const provider = this.providers.find((p) => p.id === providerId);
    if (!provider) throw new NotFoundError(`No identity provider ${providerId} here`, 'unknown_provider');
    const verdict = this.startsByAddress.hit(start.clientAddress);
    if (!verdict.allowed) {
      throw new TooManyRequestsError(
        'Too many sign-in attempts; wait a little and try again',
        'too_many_attempts',
        verdict.retryAfterSeconds,
      );
    }
    const checks = {
      state: oidc.randomState(),
      nonce: provider.type === 'oidc' ? oidc.randomNonce() : null,
      codeVerifier: oidc.randomPKCECodeVerifier(),
    };
    let url: URL;
    try {
      url = await this.clients.authorizationUrl(provider, checks);
    } catch (err) {
      throw this.providerFailure(provider, 'discovery', err);
    }
    await this.repository.insertState({
      stateHash: tokenDigest(checks.state),
      browserHash: tokenDigest(start.browserKey),
      provider: provider.id,
      nonce: checks.nonce,
      codeVerifier: checks.codeVerifier,
      returnTo: start.returnTo,
      actorId: start.forActorId,
      expiresAt: Date.now() + STATE_TTL_MS,
    });
    return url;
  }

  /**
   * The provider's redirect back (`<root>oauth/callback?...`, with the
   * browser's sign-in cookie value). Throws {@link SignInFailedError}s
   * (400 state, 400 provider error, 502 provider failure, 403 email, actor or
   * hook refusal) and TooManyRequestsError (new actors per address).
   */
  async finish(callbackUrl: URL, browserKey: string | undefined, clientAddress: string): Promise<SignedIn> {
    const params = callbackUrl.searchParams;
    const stateValues = params.getAll('state');
    if (stateValues.length !== 1 || stateValues[0] === '' || !browserKey) throw signInStateError();
    const state = await this.repository.takeState(tokenDigest(stateValues[0]));
    if (!state || state.expiresAt <= Date.now() || !secretsEqual(tokenDigest(browserKey), state.browserHash))
      throw signInStateError();
    const provider = this.providers.find((p) => p.id === state.provider);
    if (!provider) throw signInStateError();
    try {
      return await this.complete(provider, callbackUrl, state, stateValues[0], clientAddress);
    } catch (err) {
      if (err instanceof SignInFailedError) err.retryFrom = signInPagePath(state.returnTo, state.actorId);
      throw err;
    }
  }

  private async complete(
    provider: ResolvedIdentityProvider,
    callbackUrl: URL,
    state: { nonce: string | null; codeVerifier: string; returnTo: string; actorId: string | null },
    stateValue: string,
    clientAddress: string,
  ): Promise<SignedIn> {
    const error = callbackUrl.searchParams.get('error');
    if (error !== null) {
      this.logger.warn(`${logPrefix()}Sign-in with ${provider.id} refused by the provider: ${error}`);
      throw providerRefusedError(
        provider.displayName,
        error,
        callbackUrl.searchParams.get('error_description') ?? undefined,
      );
    }
    let account: ProviderAccount;
    try {
      account = await this.clients.account(provider, callbackUrl, {
        state: stateValue,
        nonce: state.nonce,
        codeVerifier: state.codeVerifier,
      });
    } catch (err) {
      throw this.providerFailure(provider, 'code exchange', err);
    }
    const email = account.email?.trim().toLowerCase() ?? '';
    const hasEmail = EMAIL.test(email);
    if (!hasEmail || (!account.emailVerified && !provider.allowUnverifiedEmail)) {
      this.logger.warn(
        `${logPrefix()}Sign-in with ${provider.id} refused: ${hasEmail ? 'email not verified' : 'no email'}`,
      );
      throw emailNotVerifiedError(provider.displayName, hasEmail);
    }
    const identity = { provider: provider.id, subject: account.subject, email };
    const { actor, created } = await this.identityActors.resolve(identity, state.actorId, clientAddress);

    const context: OAuthSuccessHookContext = {
      event: 'oauth_success',
      actor: this.actorService.handle(actor),
      provider: provider.id,
      email: identity.email,
      subject: identity.subject,
      claims: Object.freeze({ ...account.claims }),
      actorCreated: created,
    };
    const verdict = await this.hooks.runLifecycleVeto(context);
    if (!verdict.allowed) {
      this.logger.warn(
        `${logPrefix()}Sign-in with ${provider.id} to actor ${actor.id} refused by an oauth_success hook`,
      );
      // The application's own refusal message (an ActingWebError it threw) is shown; anything else is not.
      throw signInVetoedError(
        verdict.error instanceof ActingWebError && verdict.error.statusCode < 500
          ? verdict.error.message
          : undefined,
      );
    }
    await this.repository.recordSignIn({ ...identity, actorId: actor.id });
    this.logger.log(`${logPrefix()}Signed in with ${provider.id} to actor ${actor.id}`);
    return { actorId: actor.id, email: identity.email, provider: provider.id, returnTo: state.returnTo };
  }

  private providerFailure(provider: ResolvedIdentityProvider, step: string, err: unknown): SignInFailedError {
    const detail =
      err instanceof Error
        ? `${err.name}: ${err.message}${err.cause instanceof Error ? ` (${err.cause.message})` : ''}`
        : String(err);
    this.logger.warn(`${logPrefix()}Sign-in with ${provider.id} failed at ${step}: ${detail}`);
    return providerFailedError(provider.displayName);
  }
}

/** The sign-in page (relative to the root) for another try, keeping where to return and for which actor. */
export function signInPagePath(returnTo: string, forActorId: string | null): string {
  const query = new URLSearchParams({ return_to: returnTo });
  if (forActorId) query.set('actor', forActorId);
  return `oauth/login?${query}`;
}
