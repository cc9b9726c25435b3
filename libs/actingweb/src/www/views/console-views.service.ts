import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Inject, Injectable } from '@nestjs/common';
import { AwConfig } from '../../config/aw-config.js';
import { ActingWebConfigError } from '../../errors/startup-errors.js';
import { STYLES } from '../../identity/views/templates.js';
import { ViewRenderer, type RenderedPage } from '../../identity/views/view-renderer.js';
import { CONSOLE_STYLES } from './console-styles.js';
import { CLIENTS } from './templates/clients.js';
import { CREATED, FACTORY } from './templates/factory.js';
import { LAYOUT, MESSAGE } from './templates/layout.js';
import { METHODS } from './templates/methods.js';
import { OVERVIEW } from './templates/overview.js';
import { PROPERTIES, PROPERTY, PROPERTY_LIST } from './templates/properties.js';
import { SUBSCRIPTIONS } from './templates/subscriptions.js';
import { TRUST, TRUST_PEER } from './templates/trust.js';

/** The console's templates, by the file name (`<name>.eta`) that overrides each in `www.templatesDir`. */
export const CONSOLE_TEMPLATES = Object.freeze({
  layout: LAYOUT,
  message: MESSAGE,
  factory: FACTORY,
  created: CREATED,
  overview: OVERVIEW,
  properties: PROPERTIES,
  property: PROPERTY,
  'property-list': PROPERTY_LIST,
  trust: TRUST,
  'trust-peer': TRUST_PEER,
  subscriptions: SUBSCRIPTIONS,
  clients: CLIENTS,
  methods: METHODS,
});

/** What the frame of every page shows, besides the page itself. */
export interface Frame {
  /** The page's title (the `<title>` adds the console's name). */
  title: string;
  /** Where the header's name links to. */
  home: string;
  nav: readonly { href: string; label: string; current: boolean }[];
  signOut: { action: string; csrf: string; loginName: string } | null;
  notice?: string | null;
  error?: string | null;
}

const TEMPLATE_FILE = /^([a-z0-9][a-z0-9_-]*)\.eta$/i;
const APP_CSS_FILE = 'console.css';

/**
 * Renders console pages with the sign-in pages' renderer (one eta instance,
 * its security headers): the page template first, then the `layout` around
 * it. Templates are the built-in ones, replaced or added to by the files of
 * `www.templatesDir`, all loaded (and compiled, so a broken one stops the
 * start) when the module is created. Serves the one style sheet: the sign-in
 * pages' styles, the console's, and the application's `console.css`.
 */
@Injectable()
export class ConsoleViews {
  readonly css: string;
  readonly cssPath = 'www/assets/console.css';
  readonly cssUrl: string;
  /** Names of the templates the application added (for its own pages). */
  readonly appTemplates: ReadonlySet<string>;

  constructor(
    @Inject(ViewRenderer) private readonly renderer: ViewRenderer,
    @Inject(AwConfig) private readonly config: AwConfig,
  ) {
    for (const [name, template] of Object.entries(CONSOLE_TEMPLATES))
      renderer.register(`www-${name}`, template);
    const { templates, css } = readTemplatesDir(config.www.templatesDir);
    const added = new Set<string>();
    for (const [name, template] of templates) {
      try {
        renderer.register(`www-${name}`, template);
      } catch (err) {
        throw new ActingWebConfigError([
          `www.templatesDir: ${name}.eta does not compile: ${(err as Error).message.split('\n')[0]}`,
        ]);
      }
      if (!(name in CONSOLE_TEMPLATES)) added.add(name);
    }
    this.appTemplates = added;
    this.css = STYLES + CONSOLE_STYLES + (css ?? '');
    const version = createHash('sha256').update(this.css).digest('hex').slice(0, 12);
    this.cssUrl = `${config.root}${this.cssPath}?v=${version}`;
  }

  /** Whether a template of this name exists (built in, or from `www.templatesDir`). */
  has(template: string): boolean {
    return template in CONSOLE_TEMPLATES || this.appTemplates.has(template);
  }

  /** A page: `template` rendered with `data`, inside the layout with `frame`. */
  page(template: string, data: Record<string, unknown>, frame: Frame): RenderedPage {
    const body = this.renderer.render(`www-${template}`, data).html;
    return this.renderer.render('www-layout', {
      notice: null,
      error: null,
      ...frame,
      appTitle: this.config.www.title,
      // Not `cssUrl`: the renderer sets that one to the sign-in pages' style sheet.
      consoleCssUrl: this.cssUrl,
      body,
    });
  }
}

/** The `.eta` files of the application's folder (by name) and its `console.css`. */
function readTemplatesDir(dir: string | null): { templates: Map<string, string>; css: string | null } {
  const templates = new Map<string, string>();
  if (dir === null) return { templates, css: null };
  let css: string | null = null;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (!entry.isFile()) continue;
    if (entry.name === APP_CSS_FILE) css = readFileSync(join(dir, entry.name), 'utf8');
    const match = TEMPLATE_FILE.exec(entry.name);
    if (match) templates.set(match[1], readFileSync(join(dir, entry.name), 'utf8'));
  }
  return { templates, css };
}
