import {
  ActingWebError,
  BadRequestError,
  ConflictError,
  ForbiddenError,
  NotFoundError,
  UnauthorizedError,
} from '../errors/actingweb.errors.js';

/**
 * The library's error for an error answer of a route (`{ statusCode, error,
 * message }`): the class of its status where there is one (400, 401, 403,
 * 404, 409), else an `ActingWebError` with that status.
 */
export function errorFromAnswer(
  status: number,
  body: string,
  headers: Readonly<Record<string, string | string[] | number | undefined>>,
): ActingWebError {
  let message = body;
  let error = '';
  try {
    const parsed = JSON.parse(body) as { message?: unknown; error?: unknown };
    if (typeof parsed.message === 'string') message = parsed.message;
    if (typeof parsed.error === 'string') error = parsed.error;
  } catch {
    // not JSON: the text is the message
  }
  switch (status) {
    case 400:
      return new BadRequestError(message);
    case 401:
      return new UnauthorizedError(message, headerValue(headers['www-authenticate']));
    case 403:
      return new ForbiddenError(message);
    case 404:
      return new NotFoundError(message);
    case 409:
      return new ConflictError(message);
    default:
      return new ActingWebError(status, error.toLowerCase().replace(/\W+/g, '_') || 'error', message);
  }
}

function headerValue(value: string | string[] | number | undefined): string | undefined {
  if (value === undefined) return undefined;
  return Array.isArray(value) ? value[0] : String(value);
}
