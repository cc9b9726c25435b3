import type { LoggerService } from '@nestjs/common';
import { ActingWebConfigError, StorageStartupError } from '@actingweb/nestjs';
import { envVariableFor, type ExampleEnv } from './env.js';

/**
 * What the example server prints when it cannot start: one line per problem,
 * naming the environment variable to fix (docs/operations.md, "Startup errors").
 * Returns null for an error it does not know: that is a bug, and main.ts prints its stack.
 */
export function startupErrorLines(err: unknown, env: ExampleEnv): string[] | null {
  if (err instanceof ActingWebConfigError) {
    return err.problems.map((problem) => {
      const variable = envVariableFor(problem.option);
      return `Invalid configuration: ${variable ? `${variable}: ` : ''}${problem.message}`;
    });
  }
  if (err instanceof StorageStartupError) {
    const variable = envVariableFor(err.option);
    return [`Cannot start: ${err.message}${variable ? `; check ${variable}` : ''}`];
  }
  const code = (err as { code?: unknown; syscall?: unknown } | null)?.code;
  const listening = (err as { syscall?: unknown } | null)?.syscall === 'listen';
  if (listening && code === 'EADDRINUSE')
    return [
      `Cannot start: PORT ${env.port} is already in use on ${env.host} (EADDRINUSE); set PORT to a free port`,
    ];
  if (listening && code === 'EACCES')
    return [`Cannot start: PORT ${env.port} on ${env.host} needs privileges (EACCES); set PORT above 1023`];
  if ((code === 'ENOTFOUND' || code === 'EAI_AGAIN') && (err as { hostname?: unknown }).hostname === env.host)
    return [`Cannot start: HOST ${env.host} is not a known host name or address (${code}); check HOST`];
  if (listening && code === 'EADDRNOTAVAIL')
    return [`Cannot start: HOST ${env.host} is not an address of this machine (EADDRNOTAVAIL); check HOST`];
  return null;
}

/**
 * Nest logs a startup failure itself before handing it to the caller: an error
 * thrown while it builds the application (context `ExceptionHandler`, with the
 * stack; with `abortOnError: false` it is rethrown) and a failed `listen`
 * (context `NestApplication`). main.ts reports both in one line, so the
 * logger skips these duplicates.
 */
export function withoutDuplicateStartupErrors<T extends LoggerService>(logger: T): T {
  const error = logger.error.bind(logger);
  logger.error = (message: unknown, ...rest: unknown[]) => {
    const context = rest.at(-1);
    if (context === 'ExceptionHandler') return;
    // NestApplication's only error line is the failed listen (its error handler logs `String(error)`).
    if (context === 'NestApplication' && typeof message === 'string' && /^\w*Error: /.test(message)) return;
    error(message, ...rest);
  };
  return logger;
}
