import { ConsoleLogger, type LogLevel } from '@nestjs/common';
import { currentRequestId } from '../common/request-context.js';

/** Options of {@link JsonLogger}. @publicApi */
export interface JsonLoggerOptions {
  /** Levels to print. Default: Nest's default (all but `verbose`/`debug` unless `NEST_LOG_LEVEL` says otherwise). */
  logLevels?: LogLevel[];
}

/**
 * Nest's own JSON logger (`ConsoleLogger` with `json: true`: one object per
 * line with `level`, `pid`, `timestamp`, `message`, `context`, and `stack` or
 * `error` for errors) plus `requestId` on every line written while serving a
 * request: from the request context (the `requestContext` option), and on
 * error lines of failed requests always. Pass it
 * when creating the application, so Nest's own lines are JSON too:
 *
 * ```ts
 * const app = await NestFactory.create(AppModule, new FastifyAdapter(), { logger: new JsonLogger() });
 * ```
 *
 * @publicApi
 */
export class JsonLogger extends ConsoleLogger {
  constructor(options: JsonLoggerOptions = {}) {
    super({ json: true, colors: false, ...(options.logLevels ? { logLevels: options.logLevels } : {}) });
  }

  protected override getJsonLogObject(message: unknown, options: JsonLogObjectOptions) {
    // Library lines start with `[req <id>] ` (logPrefix(), the error replies): here the id is a field.
    const prefixed = typeof message === 'string' ? REQUEST_PREFIX.exec(message) : null;
    const requestId = prefixed?.[1] ?? currentRequestId();
    const text = prefixed ? (message as string).slice(prefixed[0].length) : message;
    const line = super.getJsonLogObject(text, options);
    return requestId === undefined ? line : { ...line, requestId };
  }
}

const REQUEST_PREFIX = /^\[req ([A-Za-z0-9._:-]{1,128})\] /;

interface JsonLogObjectOptions {
  context: string;
  logLevel: LogLevel;
  writeStreamType?: 'stdout' | 'stderr';
  errorStack?: unknown;
  params?: Record<string, unknown>;
  error?: Error;
}
