import { Inject, Injectable } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AwConfig } from '../../config/aw-config.js';
import { ActingWebError, NotFoundError } from '../../errors/actingweb.errors.js';
import type { ActorHandle } from '../../hooks/actor-handle.js';
import { IdentityHttp } from '../../identity/http/identity-http.js';
import { sendPage } from '../../identity/http/pages.js';
import { ConsoleAccess, type ConsoleEntry } from '../access/console-access.service.js';
import { WwwPageRegistry } from '../pages/www-page-registry.service.js';
import { ConsoleViews, type Frame } from '../views/console-views.service.js';
import { ConsoleForm } from './console-form.js';
import { CONTROL_CHARACTERS } from './form-values.js';
import { NOTICES, noticeFor } from './notices.js';

/** An owner inside their console, for one request. */
export interface ConsoleContext {
  readonly actor: ActorHandle;
  readonly entry: ConsoleEntry;
  /** The token every form of the page carries (`csrf`), bound to this browser and this actor. */
  readonly csrf: string;
  /** `<root><actorId>/www` (no trailing slash); pages are `<base>/properties`, ... */
  readonly base: string;
  readonly signOut: Frame['signOut'];
  /** The `?notice=` of a redirect after a form, as text. */
  readonly notice: string | null;
}

/** What a page render may add: another status, an error message, extra headers. */
export interface PageOptions {
  status?: number;
  error?: string | null;
  headers?: Readonly<Record<string, string>>;
}

/** The console's own pages in the navigation, in order; `key` names the current one. */
const NAV = [
  { key: 'overview', path: '', label: 'Overview' },
  { key: 'properties', path: '/properties', label: 'Properties' },
  { key: 'trust', path: '/trust', label: 'Trust' },
  { key: 'subscriptions', path: '/subscriptions', label: 'Subscriptions' },
  { key: 'clients', path: '/clients', label: 'Applications' },
  { key: 'methods', path: '/methods', label: 'Methods' },
] as const;

/**
 * The request side of every console page: let the owner in (or throw the
 * answer), give the page its CSRF token, check it on POST, render inside the
 * frame, and redirect after a form (303, with a notice).
 */
@Injectable()
export class ConsoleHttp {
  constructor(
    @Inject(AwConfig) private readonly config: AwConfig,
    @Inject(ConsoleAccess) private readonly access: ConsoleAccess,
    @Inject(IdentityHttp) private readonly identity: IdentityHttp,
    @Inject(ConsoleViews) private readonly views: ConsoleViews,
    @Inject(WwwPageRegistry) private readonly appPages: WwwPageRegistry,
  ) {}

  /** Lets the owner of `:actorId` in; throws the answer for anyone else (see ConsoleAccess). */
  async open(req: FastifyRequest, reply: FastifyReply): Promise<ConsoleContext> {
    const actorId = (req.params as { actorId?: string }).actorId ?? '';
    if (actorId.length > 255 || CONTROL_CHARACTERS.test(actorId))
      throw new NotFoundError('Actor not found', 'actor_not_found');
    const { actor, entry } = await this.access.enter(req, actorId);
    const signOut =
      entry.via === 'session'
        ? {
            action: this.identity.url('oauth/logout'),
            csrf: await this.identity.csrfToken(req, reply, 'logout'),
            loginName: entry.loginName,
          }
        : null;
    return {
      actor,
      entry,
      csrf: await this.identity.csrfToken(req, reply, csrfPurpose(actor.id)),
      base: `${this.config.root}${actor.id}/www`,
      signOut,
      notice: noticeFor(req.query),
    };
  }

  /** {@link open}, then the form's CSRF token and origin (403 without); the form. */
  async submit(
    req: FastifyRequest,
    reply: FastifyReply,
  ): Promise<{ ctx: ConsoleContext; form: ConsoleForm }> {
    const ctx = await this.open(req, reply);
    const form = ConsoleForm.of(req.body);
    await this.identity.assertCsrf(req, csrfPurpose(ctx.actor.id), form.text('csrf', 200));
    return { ctx, form };
  }

  /** Sends `template` with `data` (plus `csrf`) in the frame, the nav entry `current` marked. */
  render(
    reply: FastifyReply,
    ctx: ConsoleContext,
    current: string,
    template: string,
    title: string,
    data: Record<string, unknown>,
    options: PageOptions = {},
  ): FastifyReply {
    const page = this.views.page(
      template,
      { csrf: ctx.csrf, ...data },
      {
        title,
        home: ctx.base,
        nav: this.nav(ctx.base, current),
        signOut: ctx.signOut,
        notice: options.error ? null : ctx.notice,
        error: options.error ?? null,
      },
    );
    return sendPage(reply, options.status ?? 200, page, options.headers);
  }

  /** A page outside any console (the start page, errors): no navigation; `signOut` when someone is signed in. */
  plain(
    reply: FastifyReply,
    template: string,
    title: string,
    data: Record<string, unknown>,
    options: PageOptions & { signOut?: Frame['signOut'] } = {},
  ): FastifyReply {
    const page = this.views.page(template, data, {
      title,
      home: `${this.config.root}www`,
      nav: [],
      signOut: options.signOut ?? null,
      error: options.error ?? null,
    });
    return sendPage(reply, options.status ?? 200, page, options.headers);
  }

  /** After a form: 303 to `<base><path>` with `?notice=` (a key of NOTICES). */
  seeOther(
    reply: FastifyReply,
    ctx: ConsoleContext,
    path: string,
    notice?: keyof typeof NOTICES,
  ): FastifyReply {
    const url = new URL(ctx.base + path);
    if (notice) url.searchParams.set('notice', notice);
    return reply.code(303).header('cache-control', 'no-store').header('location', url.href).send();
  }

  private nav(base: string, current: string): Frame['nav'] {
    return [
      ...NAV.map((n) => ({ href: base + n.path, label: n.label, current: n.key === current })),
      ...this.appPages
        .pages()
        .filter((p) => p.nav)
        .map((p) => ({ href: `${base}/${p.path}`, label: p.title, current: `app:${p.path}` === current })),
    ];
  }
}

/** The CSRF purpose of an actor's console forms. */
export function csrfPurpose(actorId: string): string {
  return `www:${actorId}`;
}

/**
 * A failure a page shows in place (status and message, the form kept): any
 * ActingWebError, including a peer that could not be reached. Anything else
 * is a bug and goes to the error handler (500).
 */
export function shownOnPage(err: unknown): ActingWebError {
  if (err instanceof ActingWebError) return err;
  throw err;
}
