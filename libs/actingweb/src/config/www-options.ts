import { statSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';

/**
 * The owner's web console at `/<actorId>/www` (`docs/www.md`).
 *
 * @publicApi
 */
export interface WwwOptions {
  /** Serve the console (and advertise the `www` option tag). Default `true`. */
  enabled?: boolean;
  /**
   * A folder of the application's own templates (`<name>.eta`): a file named
   * like a console template (`layout.eta`, `properties.eta`, ...) replaces it,
   * any other is a template for the application's own pages (`@WwwPage`).
   * A `console.css` there is appended to the console's style sheet. A path
   * relative to the working directory is resolved at startup. Default none.
   */
  templatesDir?: string;
  /** The name shown in the console's header. Default: the `type` URN's last part. */
  title?: string;
}

/** {@link WwwOptions} with defaults applied. @publicApi */
export interface ResolvedWwwOptions {
  readonly enabled: boolean;
  /** Absolute path, or null. */
  readonly templatesDir: string | null;
  readonly title: string;
}

const MAX_TITLE_LENGTH = 80;

/** Validates the `www` option (`true`/`false` stand for `{ enabled }`); problems are appended to `problems`. */
export function resolveWwwOptions(
  input: boolean | WwwOptions | undefined,
  type: unknown,
  problems: string[],
): ResolvedWwwOptions {
  const fallbackTitle = typeof type === 'string' ? (type.split(':').pop() ?? type) : 'ActingWeb';
  if (input === undefined || input === true) return frozen(true, null, fallbackTitle);
  if (input === false) return frozen(false, null, fallbackTitle);
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    problems.push('www must be true, false or an object such as { templatesDir: "./views/www" }');
    return frozen(false, null, fallbackTitle);
  }
  const unknown = Object.keys(input).filter((k) => !['enabled', 'templatesDir', 'title'].includes(k));
  if (unknown.length > 0) problems.push(`www has unknown keys ${unknown.join(', ')}`);
  const enabled = input.enabled ?? true;
  if (typeof enabled !== 'boolean') problems.push('www.enabled must be true or false');
  const title = input.title ?? fallbackTitle;
  if (typeof title !== 'string' || title.trim() === '' || title.length > MAX_TITLE_LENGTH)
    problems.push(`www.title must be a non-empty string of at most ${MAX_TITLE_LENGTH} characters`);
  return frozen(
    enabled === true,
    templatesDir(input.templatesDir, problems),
    typeof title === 'string' ? title : fallbackTitle,
  );
}

function templatesDir(value: unknown, problems: string[]): string | null {
  if (value === undefined) return null;
  if (typeof value !== 'string' || value === '') {
    problems.push('www.templatesDir must be the path of a folder');
    return null;
  }
  const path = isAbsolute(value) ? value : resolve(process.cwd(), value);
  try {
    if (!statSync(path).isDirectory()) throw new Error('not a folder');
  } catch {
    problems.push(
      `www.templatesDir must be an existing folder (got ${JSON.stringify(value)}, resolved to ${path})`,
    );
    return null;
  }
  return path;
}

function frozen(enabled: boolean, templatesDir: string | null, title: string): ResolvedWwwOptions {
  return Object.freeze({ enabled, templatesDir, title });
}
