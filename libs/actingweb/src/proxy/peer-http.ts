import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';

/**
 * One keep-alive agent pair for every peer call of the process: connections to
 * a peer are reused across requests (the Python reference opens a new client
 * per call, `reference-sdk.md` §8).
 */
export const peerHttpAgent = new HttpAgent({ keepAlive: true, maxSockets: 256, maxFreeSockets: 64 });
export const peerHttpsAgent = new HttpsAgent({ keepAlive: true, maxSockets: 256, maxFreeSockets: 64 });

/** Largest peer response body we read (bytes). */
export const MAX_PEER_RESPONSE_BYTES = 10 * 1024 * 1024;
