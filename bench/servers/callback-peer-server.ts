/*
 * Subscription benchmark peer: a plain Node http server standing in for N
 * subscribers (each is a distinct path, `/peer17/...`). Every request is
 * answered `204` after BENCH_PEER_DELAY_MS (default 50) ms.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serveAsBenchChild } from '../lib/child.js';

const delayMs = Number(process.env.BENCH_PEER_DELAY_MS ?? 50);

const server = createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    setTimeout(() => {
      res.writeHead(204);
      res.end();
    }, delayMs);
  });
});
server.keepAliveTimeout = 30_000;
server.maxRequestsPerSocket = 0;

const child = serveAsBenchChild(
  () =>
    new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
);
server.listen(0, '127.0.0.1', () => child.ready((server.address() as AddressInfo).port));
