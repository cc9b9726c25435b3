import { createHash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { Eta } from 'eta';
import { AwConfig } from '../../config/aw-config.js';
import { CONSENT, LAYOUT, LOGIN, MESSAGE, STYLES } from './templates.js';

/** The pages there are; each renders inside `@layout`. */
export type PageName = 'login' | 'consent' | 'message';

/** A rendered page and the headers it must be sent with. */
export interface RenderedPage {
  html: string;
  headers: Record<string, string>;
}

/**
 * Renders the identity pages with eta (HTML-escaped by default) and gives
 * them their security headers: a CSP without any script (`default-src
 * 'self'`), no framing (`frame-ancestors 'none'`, clickjacking on consent),
 * no referrer (authorization URLs carry state), no caching.
 *
 * Templates are registered by name (`@login`, `@consent`, ...), so another
 * feature (e.g. the owner console) can add its own with {@link register} and
 * reuse the layout.
 */
@Injectable()
export class ViewRenderer {
  private readonly eta = new Eta({ autoEscape: true, autoTrim: false, cache: true });
  /** Public URL of the style sheet, with a content hash so it can be cached for good. */
  readonly cssUrl: string;
  readonly cssPath = 'oauth/assets/identity.css';
  readonly css = STYLES;

  constructor(@Inject(AwConfig) private readonly config: AwConfig) {
    this.eta.loadTemplate('@layout', LAYOUT);
    this.register('login', LOGIN);
    this.register('consent', CONSENT);
    this.register('message', MESSAGE);
    const version = createHash('sha256').update(STYLES).digest('hex').slice(0, 12);
    this.cssUrl = `${config.root}${this.cssPath}?v=${version}`;
  }

  /** Adds (or replaces) a page template; it may use `<% layout('@layout') %>`. */
  register(name: string, template: string): void {
    this.eta.loadTemplate(`@${name}`, template);
  }

  /**
   * Renders `name` with `data` (plus `cssUrl`). `formAction: 'self'` adds
   * `form-action 'self'` to the CSP; leave it out on pages whose form ends
   * in a redirect elsewhere (consent), which browsers would otherwise block.
   */
  render(
    name: PageName | (string & {}),
    data: Record<string, unknown>,
    options: { formActionSelf?: boolean } = {},
  ): RenderedPage {
    const html = this.eta.render(`@${name}`, { ...data, cssUrl: this.cssUrl });
    const csp = [
      "default-src 'self'",
      "script-src 'none'",
      "object-src 'none'",
      "base-uri 'none'",
      "frame-ancestors 'none'",
      ...(options.formActionSelf === false ? [] : ["form-action 'self'"]),
    ].join('; ');
    return {
      html,
      headers: {
        'content-type': 'text/html; charset=utf-8',
        'content-security-policy': csp,
        'x-frame-options': 'DENY',
        'x-content-type-options': 'nosniff',
        'referrer-policy': 'no-referrer',
        'cache-control': 'no-store',
      },
    };
  }
}
