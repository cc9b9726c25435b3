import { describe, expect, it } from '@jest/globals';
import {
  BadRequestError,
  ConflictError,
  ForbiddenError,
  NotFoundError,
  PayloadTooLargeError,
  UnauthorizedError,
} from '../errors/actingweb.errors.js';
import { JSONRPC_ERRORS, JsonRpcError, toJsonRpcError } from './json-rpc.js';

const shape = (e: JsonRpcError) => ({ code: e.code, message: e.message, httpStatus: e.httpStatus });

describe('toJsonRpcError', () => {
  it('passes a JsonRpcError through unchanged, at every stage', () => {
    const own = new JsonRpcError(JSONRPC_ERRORS.RESOURCE_NOT_FOUND, 'Resource not found', 200, { uri: 'x' });
    for (const stage of ['message', 'check', 'hook'] as const) expect(toJsonRpcError(own, stage)).toBe(own);
  });

  it('maps failures reading the message to -32700 / -32600 with HTTP 400', () => {
    expect(
      shape(toJsonRpcError(new BadRequestError('Body is not valid JSON', 'invalid_json'), 'message')),
    ).toEqual({ code: -32700, message: 'Parse error: the body is not valid JSON', httpStatus: 400 });
    expect(shape(toJsonRpcError(new BadRequestError('Too deep', 'too_deep'), 'message'))).toEqual({
      code: -32600,
      message: 'Invalid Request: Too deep',
      httpStatus: 400,
    });
    expect(shape(toJsonRpcError(new PayloadTooLargeError(1024), 'message')).code).toBe(-32600);
    expect(shape(toJsonRpcError(new RangeError('stack'), 'message'))).toEqual({
      code: -32600,
      message: 'Invalid Request: the body is nested too deeply',
      httpStatus: 400,
    });
  });

  it('maps refused checks to -32003 (HTTP 403) and unknown names to -32601 (HTTP 200)', () => {
    expect(shape(toJsonRpcError(new ForbiddenError('no'), 'check'))).toEqual({
      code: -32003,
      message: 'Access denied',
      httpStatus: 403,
    });
    expect(shape(toJsonRpcError(new NotFoundError('No such method'), 'check'))).toEqual({
      code: -32601,
      message: 'Method not found',
      httpStatus: 200,
    });
  });

  it('keeps the message of a refused credential: -32001 (HTTP 401) or -32003 (HTTP 403)', () => {
    expect(
      shape(toJsonRpcError(new ForbiddenError('Trust relationship is not approved yet'), 'auth')),
    ).toEqual({
      code: -32003,
      message: 'Trust relationship is not approved yet',
      httpStatus: 403,
    });
    expect(shape(toJsonRpcError(new UnauthorizedError('Who are you?'), 'auth'))).toEqual({
      code: -32001,
      message: 'Who are you?',
      httpStatus: 401,
    });
  });

  it("answers a hook's ActingWebError with its message, anything else with the fallback", () => {
    expect(shape(toJsonRpcError(new ConflictError('taken'), 'hook'))).toEqual({
      code: -32603,
      message: 'taken',
      httpStatus: 200,
    });
    expect(shape(toJsonRpcError(new ForbiddenError('not you'), 'hook')).code).toBe(-32603);
    expect(shape(toJsonRpcError(new Error('secret detail'), 'hook', 'Prompt p failed'))).toEqual({
      code: -32603,
      message: 'Prompt p failed',
      httpStatus: 200,
    });
  });

  it('reveals nothing of an unexpected failure outside hooks: -32603 with HTTP 500', () => {
    for (const stage of ['message', 'auth', 'check'] as const) {
      expect(shape(toJsonRpcError(new Error('db down'), stage))).toEqual({
        code: -32603,
        message: 'Internal error',
        httpStatus: 500,
      });
    }
  });
});
