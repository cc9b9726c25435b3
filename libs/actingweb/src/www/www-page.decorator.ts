import { SetMetadata } from '@nestjs/common';
import type { ActorHandle } from '../hooks/actor-handle.js';

export const WWW_PAGE_METADATA = 'actingweb:www-page';

/** Options of {@link WwwPage}. @publicApi */
export interface WwwPageOptions {
  /** The page's title, also its label in the console's navigation. Default: the path. */
  title?: string;
  /** List the page in the navigation. Default `true`; a path with `:parameters` is never listed. */
  nav?: boolean;
}

/** What `@WwwPage` stores on the method. */
export interface WwwPageMetadata {
  readonly path: string;
  readonly options: WwwPageOptions;
}

/**
 * What a console page of the application gets: the actor (its owner is the
 * one asking), the request, and the CSRF token its forms must carry as a
 * field named `csrf`.
 *
 * @publicApi
 */
export interface WwwPageContext {
  readonly actor: ActorHandle;
  readonly method: 'GET' | 'POST';
  /** The values of the path's `:parameters`. */
  readonly params: Readonly<Record<string, string>>;
  /** The query string (first value of each name). */
  readonly query: Readonly<Record<string, string>>;
  /** The submitted form on POST (its CSRF token already checked; first value of each name), else empty. */
  readonly form: Readonly<Record<string, string>>;
  /** Put it in every form: `<input type="hidden" name="csrf" value="<%= it.csrf %>">`. */
  readonly csrf: string;
  /** The console's address, `<baseUrl><actorId>/www`. */
  readonly consoleUrl: string;
}

/**
 * What a console page answers: a template of `www.templatesDir` rendered
 * inside the console's frame (`it` holds `data`, plus `csrf`, `consoleUrl`
 * and `actor`), or a redirect (after a POST) to a path below the console
 * (`notes?saved=1`) or to the console itself (`''`).
 *
 * @publicApi
 */
export type WwwPageResult =
  | {
      readonly template: string;
      readonly data?: Record<string, unknown>;
      /** The page title; default: the page's `title` option. */
      readonly title?: string;
      /** Default 200. */
      readonly status?: number;
    }
  | { readonly redirect: string };

/**
 * Adds a page to every actor's console at `/<actorId>/www/<path>` (GET and
 * POST; a POST without the page's CSRF token is refused before the method
 * runs). Only the actor's owner reaches it, as every console page. `path` is
 * one or more segments of lowercase letters, digits, `-` and `_`, or
 * `:parameters` (`notes/:noteId`); it cannot take the place of a console page.
 * The method is found on any provider of the application (as hooks are).
 *
 * ```ts
 * @WwwPage('notes', { title: 'Notes' })
 * async notes(ctx: WwwPageContext): Promise<WwwPageResult> {
 *   return { template: 'notes', data: { notes: await ctx.actor.properties.get('notes') } };
 * }
 * ```
 *
 * @publicApi
 */
export const WwwPage = (path: string, options: WwwPageOptions = {}): MethodDecorator =>
  SetMetadata(WWW_PAGE_METADATA, { path, options } satisfies WwwPageMetadata);
