import { Inject, Injectable, Optional } from '@nestjs/common';
import { ForbiddenError } from '../errors/actingweb.errors.js';
import { McpAccessTokenVerifier } from '../mcp/mcp-token-resolver.js';
import type { ActorRecord } from '../storage/actor.repository.js';
import { TrustRepository } from '../storage/trust.repository.js';
import { BEARER_TOKEN_RESOLVER, type BearerTokenResolver } from './bearer-token-resolver.js';
import { ANONYMOUS, type Caller } from './caller.js';
import { secretsEqual } from './constant-time.js';

const CREATOR: Caller = Object.freeze({ kind: 'creator' });
const TRUSTEE: Caller = Object.freeze({ kind: 'trustee' });

/** Trustee passphrases must carry more than 80 bits: floor(len·log2(94)) > 80, i.e. 13+ characters (§1). */
export function hasTrusteeEntropy(passphrase: string): boolean {
  return Math.floor(passphrase.length * Math.log2(94)) > 80;
}

/**
 * Turns an `Authorization` header into a {@link Caller} for one actor
 * (`shared/docs/protocol.md` §1). No header → anonymous. A header that
 * resolves to nothing → 403 (credentials present but wrong).
 *
 * Bearer tokens are tried in the reference's order: the pluggable token
 * resolver (OAuth/MCP), the trustee passphrase, then this actor's trust
 * secrets. Secrets are compared in constant time, and trust secrets are looked
 * up by digest, so one actor's credentials never open another actor.
 */
@Injectable()
export class CredentialResolver {
  constructor(
    @Inject(TrustRepository) private readonly trusts: TrustRepository,
    @Optional() @Inject(BEARER_TOKEN_RESOLVER) private readonly tokenResolver?: BearerTokenResolver,
    @Optional() @Inject(McpAccessTokenVerifier) private readonly mcpTokens?: McpAccessTokenVerifier,
  ) {}

  /** Synchronous for anonymous and Basic callers (the hot path); a Promise only when a lookup is needed. */
  resolve(actor: ActorRecord, authorization: string | undefined): Caller | Promise<Caller> {
    if (authorization === undefined || authorization.trim() === '') return ANONYMOUS;
    const space = authorization.indexOf(' ');
    const scheme = (space < 0 ? authorization : authorization.slice(0, space)).toLowerCase();
    const value = space < 0 ? '' : authorization.slice(space + 1).trim();

    if (scheme === 'basic') return this.basic(actor, value);
    if (scheme === 'bearer' && value) return this.bearer(actor, value);
    throw new ForbiddenError('Unsupported or malformed credentials', 'bad_credentials');
  }

  private basic(actor: ActorRecord, encoded: string): Caller {
    const decoded = Buffer.from(encoded, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    const user = colon < 0 ? decoded : decoded.slice(0, colon);
    const password = colon < 0 ? '' : decoded.slice(colon + 1);
    // Evaluate both comparisons always, so timing does not tell which part was wrong.
    const userOk = secretsEqual(user, actor.creator);
    const passwordOk = secretsEqual(password, actor.passphrase);
    if (userOk && passwordOk) return CREATOR;
    throw new ForbiddenError('Wrong user name or passphrase', 'bad_credentials');
  }

  private async bearer(actor: ActorRecord, token: string): Promise<Caller> {
    // identity: OAuth tokens for MCP clients open the MCP endpoints only (McpAuthenticator).
    if (this.mcpTokens?.recognizes(token)) {
      throw new ForbiddenError('OAuth access tokens are accepted only at MCP endpoints', 'bad_credentials');
    }
    if (this.tokenResolver) {
      const caller = await this.tokenResolver.resolve(actor, token);
      if (caller) return caller;
    }
    if (
      actor.creator === 'trustee' &&
      actor.trusteeRoot &&
      hasTrusteeEntropy(actor.passphrase) &&
      secretsEqual(token, actor.passphrase)
    ) {
      return TRUSTEE;
    }
    const credential = await this.trusts.findCredential(actor.id, token);
    if (credential) return { kind: 'peer', ...credential };
    throw new ForbiddenError('Unknown token', 'bad_credentials');
  }
}
