import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';

/** Per-request context available anywhere below the request (logs, peer calls). */
export interface RequestContext {
  readonly requestId: string;
}

const storage = new AsyncLocalStorage<RequestContext>();

export const requestContextStorage = storage;

/** The current request id, or undefined outside a request. @publicApi */
export function currentRequestId(): string | undefined {
  return storage.getStore()?.requestId;
}

const VALID_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** Accepts a caller's `X-Request-ID` if it is sane, otherwise makes a new one. */
export function requestIdFrom(header: string | string[] | undefined): string {
  const value = Array.isArray(header) ? header[0] : header;
  return value && VALID_ID.test(value) ? value : randomUUID();
}

/** Prefix for log lines: `[req <id>] `, or '' outside a request. */
export function logPrefix(): string {
  const id = currentRequestId();
  return id ? `[req ${id}] ` : '';
}
