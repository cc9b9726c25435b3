import { Inject, Injectable, Logger } from '@nestjs/common';
import { AwConfig } from '../../config/aw-config.js';
import { logPrefix } from '../../common/request-context.js';
import { ActorRepository, type ActorRecord } from '../../storage/actor.repository.js';
import { TrustTypeRegistry } from '../../permissions/trust-type-registry.service.js';
import { MCP_SCOPE } from '../../config/identity-options.js';
import type { Session } from '../sessions/session.service.js';
import { ConsentRepository } from '../storage/consent.repository.js';
import { LoginSessionRepository } from '../storage/login-session.repository.js';
import { clientTrustPeerId } from './client-peer-id.js';
import { ClientRegistry, type OAuthClient } from './client-registry.service.js';
import { McpResources } from './mcp-resources.js';
import { AuthorizationPageError, OAuthError, type OAuthErrorCode } from './oauth-error.js';
import { newId, newOpaqueToken, PKCE_VALUE, TOKEN_PREFIX, tokenDigest } from './opaque-tokens.js';
import { allLocal, matchesRegisteredRedirectUri, redirectTarget } from './redirect-uri.js';

/** How long a consent page may stay open before its request expires. */
const PENDING_TTL_MS = 10 * 60 * 1000;
const MAX_STATE = 2000;

/** A valid authorization request (RFC 6749 §4.1.1 with PKCE and RFC 8707). */
export interface AuthorizationRequest {
  client: OAuthClient;
  /** The redirect URI exactly as the client sent it (or its only registered one). */
  redirectUri: string;
  state: string | null;
  codeChallenge: string;
  /** The canonical MCP URL asked for, or null. */
  resource: string | null;
  /** The actor the resource names (`<root><actorId>/mcp`); null for `<root>mcp` or no resource. */
  resourceActorId: string | null;
  scope: string;
}

/** An error the client hears about through its redirect URI (RFC 6749 §4.1.2.1), with `iss` (RFC 9207). */
export class AuthorizationRedirectError extends OAuthError {
  constructor(
    readonly redirectTo: string,
    error: OAuthErrorCode,
    description: string,
  ) {
    super(error, description, 302);
  }
}

/** What the consent page shows. */
export interface ConsentView {
  requestId: string;
  clientName: string;
  /** The client id as people can check it: the host of a metadata document URL, else the id. */
  clientIdShown: string;
  clientKind: OAuthClient['kind'];
  redirectHost: string;
  /** Every redirect URI of the client is on this device (loopback or private-use scheme). */
  localOnly: boolean;
  actorId: string;
  loginName: string;
  trustTypes: Array<{ name: string; displayName: string; description: string }>;
}

/**
 * The authorization endpoint's logic: validates requests, decides whose
 * consent is needed, keeps the request while the consent page is open, and
 * turns the decision into a redirect with a code (or `access_denied`).
 * The consent creates or updates the client's trust on the actor (one per
 * person and client), a grant bound to that trust, and a single-use code.
 */
@Injectable()
export class AuthorizationService {
  private readonly logger = new Logger('ActingWebOAuth');
  private readonly resources: McpResources;

  constructor(
    @Inject(AwConfig) private readonly config: AwConfig,
    @Inject(ClientRegistry) private readonly clients: ClientRegistry,
    @Inject(ActorRepository) private readonly actors: ActorRepository,
    @Inject(LoginSessionRepository) private readonly sessions: LoginSessionRepository,
    @Inject(ConsentRepository) private readonly consents: ConsentRepository,
    @Inject(TrustTypeRegistry) private readonly trustTypes: TrustTypeRegistry,
  ) {
    this.resources = new McpResources(config.root);
  }

  get issuer(): string {
    return this.config.identity?.issuer ?? '';
  }

  /**
   * Validates a request. Until the client and its redirect URI are known
   * good, errors are {@link AuthorizationPageError}s (shown, never
   * redirected); after that, {@link AuthorizationRedirectError}s.
   */
  async validate(query: Record<string, unknown>): Promise<AuthorizationRequest> {
    const single = (name: string): string | undefined => {
      const value = query[name];
      if (value === undefined || value === '') return undefined;
      if (typeof value !== 'string') throw new AuthorizationPageError(`The ${name} parameter is repeated`);
      return value;
    };
    const clientId = single('client_id');
    if (!clientId) throw new AuthorizationPageError('The client_id parameter is missing');
    const client = await this.clients.forAuthorization(clientId);
    const requested = single('redirect_uri');
    let redirectUri: string;
    if (requested === undefined) {
      if (client.redirectUris.length !== 1) {
        throw new AuthorizationPageError('The redirect_uri parameter is missing (the client has several)');
      }
      redirectUri = client.redirectUris[0];
    } else if (matchesRegisteredRedirectUri(requested, client.redirectUris)) {
      redirectUri = requested;
    } else {
      throw new AuthorizationPageError(
        "The redirect_uri is not one of this client's registered redirect URIs",
      );
    }

    const state = typeof query.state === 'string' ? query.state : null;
    const fail = (error: OAuthErrorCode, description: string) =>
      new AuthorizationRedirectError(
        this.redirectUrl(redirectUri, { error, error_description: description }, state),
        error,
        description,
      );
    for (const [name, value] of Object.entries(query)) {
      if (Array.isArray(value)) throw fail('invalid_request', `The ${name} parameter is repeated`);
    }
    if (state !== null && state.length > MAX_STATE) throw fail('invalid_request', 'state is too long');
    if (query.response_type !== 'code') {
      throw fail('unsupported_response_type', 'Only response_type=code is supported');
    }
    const challenge = single('code_challenge');
    if (!challenge || !PKCE_VALUE.test(challenge)) {
      throw fail('invalid_request', 'PKCE is required: send a code_challenge (RFC 7636)');
    }
    if (query.code_challenge_method !== 'S256') {
      throw fail('invalid_request', 'code_challenge_method must be S256');
    }
    const resource = single('resource') ?? null;
    let resourceActorId: string | null = null;
    if (resource !== null) {
      const named = this.resources.parse(resource);
      if (!named) throw fail('invalid_target', 'resource must be one of the MCP endpoints of this server');
      if (named.kind === 'actor') {
        if (!(await this.actors.findById(named.actorId))) {
          throw fail('invalid_target', 'resource names an actor that does not exist');
        }
        resourceActorId = named.actorId;
      }
    }
    // Every request gets the one scope there is; unknown scopes are ignored, not refused
    // (clients send hard-coded or empty scopes; access is what the person grants).
    return {
      client,
      redirectUri,
      state,
      codeChallenge: challenge,
      resource,
      resourceActorId,
      scope: MCP_SCOPE,
    };
  }

  /** Whether this session may consent for the request: its actor is the one the resource names (or any, for `<root>mcp`). */
  sessionFits(request: AuthorizationRequest, session: Session | null): session is Session {
    return (
      session !== null && (request.resourceActorId === null || request.resourceActorId === session.actorId)
    );
  }

  /** Stores the request for the consent page of `session`; returns what the page shows. */
  async prepareConsent(request: AuthorizationRequest, session: Session): Promise<ConsentView> {
    const actor = await this.actors.findById(session.actorId);
    if (!actor)
      throw new AuthorizationPageError('Your account no longer exists; sign in again', 403, 'access_denied');
    const requestId = newOpaqueToken('awpa_');
    await this.sessions.insertPending({
      idHash: tokenDigest(requestId),
      sessionIdHash: session.idHash,
      actorId: actor.id,
      clientId: request.client.clientId,
      redirectUri: request.redirectUri,
      state: request.state,
      codeChallenge: request.codeChallenge,
      resource: request.resource,
      scope: request.scope,
      expiresAt: Date.now() + PENDING_TTL_MS,
    });
    return this.consentView(requestId, request.client, request.redirectUri, actor, session);
  }

  /**
   * The person's answer: a redirect URL with a code (after writing trust,
   * grant and code) or with `access_denied`. An unknown, expired or foreign
   * request is an error page.
   */
  async decide(
    requestId: string,
    session: Session,
    decision: { allow: boolean; trustType?: string },
  ): Promise<string> {
    const pending = await this.sessions.takePending(tokenDigest(requestId));
    if (!pending || pending.sessionIdHash !== session.idHash || pending.expiresAt <= Date.now()) {
      throw new AuthorizationPageError(
        'This authorization request has expired or was already answered; start again from your application',
      );
    }
    if (!decision.allow) {
      this.logger.log(
        `${logPrefix()}Consent denied to OAuth client ${pending.clientId} on actor ${pending.actorId}`,
      );
      return this.redirectUrl(
        pending.redirectUri,
        { error: 'access_denied', error_description: 'The owner did not allow access' },
        pending.state,
      );
    }
    const allowed = this.config.identity?.mcp.allowedTrustTypes ?? [];
    const relationship = decision.trustType ?? allowed[0];
    if (!relationship || !allowed.includes(relationship)) {
      throw new AuthorizationPageError('That access level cannot be granted to applications here');
    }
    const client = await this.clients.forAuthorization(pending.clientId);
    const code = newOpaqueToken(TOKEN_PREFIX.authorizationCode);
    const peerId = clientTrustPeerId(session.loginName, client.clientId);
    const created = await this.consents.write({
      actorId: pending.actorId,
      peerId,
      relationship,
      loginName: session.loginName,
      clientId: client.clientId,
      clientName: client.clientName,
      grant: {
        id: newId(),
        actorId: pending.actorId,
        trustPeerId: peerId,
        clientId: client.clientId,
        scope: pending.scope,
        resource: pending.resource,
        createdAt: new Date().toISOString(),
        lastUsedAt: null,
      },
      code: {
        codeHash: tokenDigest(code),
        redirectUri: pending.redirectUri,
        codeChallenge: pending.codeChallenge,
        resource: pending.resource,
        expiresAt: Date.now() + (this.config.identity?.mcp.authorizationCodeTtlSeconds ?? 60) * 1000,
      },
    });
    this.logger.log(
      `${logPrefix()}Consent: OAuth client ${client.clientId} on actor ${pending.actorId} as ${relationship} ` +
        `(trust ${peerId} ${created ? 'created' : 'updated'})`,
    );
    return this.redirectUrl(pending.redirectUri, { code }, pending.state);
  }

  /** `redirect_uri` with the response parameters, `state` when the request had one, and `iss` (RFC 9207). */
  redirectUrl(redirectUri: string, params: Record<string, string>, state: string | null): string {
    const url = new URL(redirectUri);
    for (const [key, value] of Object.entries(params)) url.searchParams.set(key, value);
    if (state !== null) url.searchParams.set('state', state);
    url.searchParams.set('iss', this.issuer);
    return url.href;
  }

  private consentView(
    requestId: string,
    client: OAuthClient,
    redirectUri: string,
    actor: ActorRecord,
    session: Session,
  ): ConsentView {
    const allowed = this.config.identity?.mcp.allowedTrustTypes ?? [];
    return {
      requestId,
      clientName: client.clientName,
      clientIdShown: client.kind === 'cimd' ? new URL(client.clientId).host : client.clientId,
      clientKind: client.kind,
      redirectHost: redirectTarget(redirectUri),
      localOnly: allLocal(client.redirectUris),
      actorId: actor.id,
      loginName: session.loginName,
      trustTypes: allowed.map((name) => {
        const type = this.trustTypes.get(name);
        return { name, displayName: type?.displayName ?? name, description: type?.description ?? '' };
      }),
    };
  }
}
