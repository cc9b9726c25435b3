/**
 * Errors that stop the application at startup, each naming the option to fix,
 * so a `main.ts` can print one clear line instead of a stack (see
 * docs/operations.md, "Startup errors"). `config/` throws the first, `storage/`
 * the second (`storage/storage-startup-error.ts` builds it from a driver error).
 */

/** One invalid option: its path (`storage.connectionString`, `peers.allowedHosts`) and the full message. @publicApi */
export interface ConfigProblem {
  readonly option: string;
  readonly message: string;
}

/** Invalid `ActingWebModule` options; `problems` lists every one. @publicApi */
export class ActingWebConfigError extends Error {
  readonly problems: readonly ConfigProblem[];

  /** `problems`: messages that start with the option's path, e.g. `baseUrl is required`. */
  constructor(problems: readonly string[]) {
    super(`ActingWebModule: invalid options:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ActingWebConfigError';
    this.problems = Object.freeze(problems.map((message) => ({ option: optionOf(message), message })));
  }
}

/** The storage could not be opened or reached at startup; `option` is the setting to look at. @publicApi */
export class StorageStartupError extends Error {
  constructor(
    readonly option: string,
    message: string,
    readonly code?: string,
  ) {
    super(message);
    this.name = 'StorageStartupError';
  }
}

/** `peers.allowedHosts[2] must ...` → `peers.allowedHosts`; `trustTypes[0] ("x").name ...` → `trustTypes`. */
function optionOf(message: string): string {
  const match = /^[A-Za-z][A-Za-z0-9]*(?:\[\d+\])?(?:\.[A-Za-z][A-Za-z0-9]*(?:\[\d+\])?)*/.exec(message);
  return match ? match[0].replace(/\[\d+\]/g, '') : '';
}
