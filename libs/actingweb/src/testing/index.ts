/**
 * `@actingweb/nestjs/testing`: test your hooks and peer flows (docs/testing.md).
 *
 * A test application in one call, actors and callers (creator, anonymous,
 * trust peers, MCP clients) whose calls run the library's own access and
 * permission checks and hook invoker, fake peers whose answers you script,
 * several servers on loopback that trust and subscribe to each other, and
 * {@link settle} to wait for callback delivery instead of sleeping.
 *
 * Needs `@nestjs/testing` (an optional peer dependency of the package).
 */

// Test applications and storage
export { createTestApp } from './test-app.js';
export type { TestApp, TestAppOptions, ActingWebTestOptions } from './test-app.js';
export { createTemporaryStorage } from './temporary-storage.js';
export type { TemporaryStorage, TemporaryStorageKind } from './temporary-storage.js';

// Actors and callers
export type { TestActor, TestCaller, AddPeerOptions, TestSubscription } from './test-actor.js';
export { McpCallError } from './actor-calls.js';
export type { ActorCalls, HookCallOptions, McpToolInfo, McpToolResult } from './actor-calls.js';

// Fake peers
export { FakePeer, startFakePeer } from './fake-peer.js';
export type {
  FakePeerOptions,
  FakeRoute,
  FakeResponder,
  RespondOptions,
  ActorAddress,
  FakePeerResponse,
} from './fake-peer.js';
export type { FakeAnswer, FakePeerRequest } from './fake-peer-server.js';
export type { FakeTrust } from './fake-peer-defaults.js';

// Waiting without sleeping
export { settle, waitFor } from './settle.js';
export type { WaitOptions } from './settle.js';
