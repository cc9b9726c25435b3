import { request as httpsRequest } from 'node:https';
import { rootCertificates } from 'node:tls';
import { Inject, Injectable } from '@nestjs/common';
import { AwConfig } from '../../config/aw-config.js';
import { OUTGOING_REQUEST_REFUSED } from '../../peers/outgoing-request-policy.js';
import { PeerAgents } from '../../peers/peer-http.js';

/** Largest metadata document read (bytes). */
export const MAX_CLIENT_METADATA_BYTES = 16 * 1024;
/** Time allowed for the whole fetch. */
export const CLIENT_METADATA_TIMEOUT_MS = 5000;

/** A fetched document and how long it may be cached (`Cache-Control: max-age`), if said. */
export interface FetchedDocument {
  body: unknown;
  maxAgeSeconds: number | null;
}

/** Why a document could not be fetched (shown on the error page). */
export class ClientMetadataFetchError extends Error {}

/**
 * Fetches Client ID Metadata Documents through the server's outgoing-request
 * policy (the peer agents): only allowed addresses (no loopback, private or
 * link-local ones unless `peers.allowedHosts` / `allowedCidrs` say so),
 * checked per connection after DNS resolution; https only; no redirects;
 * at most 16 KiB; 5 seconds in all.
 */
@Injectable()
export class ClientMetadataFetcher {
  private readonly ca: string[] | undefined;

  constructor(
    @Inject(PeerAgents) private readonly agents: PeerAgents,
    @Inject(AwConfig) config: AwConfig,
  ) {
    const extra = config.identity?.mcp.clientMetadataDocuments.ca ?? [];
    this.ca = extra.length > 0 ? [...rootCertificates, ...extra] : undefined;
  }

  fetch(url: URL): Promise<FetchedDocument> {
    if (url.protocol !== 'https:')
      return Promise.reject(new ClientMetadataFetchError('must be an https URL'));
    return new Promise((resolve, reject) => {
      const fail = (message: string) => {
        req.destroy();
        reject(new ClientMetadataFetchError(message));
      };
      const req = httpsRequest(
        url,
        {
          agent: this.agents.https,
          method: 'GET',
          headers: { accept: 'application/json' },
          ...(this.ca && { ca: this.ca }),
        },
        (res) => {
          const status = res.statusCode ?? 0;
          if (status !== 200) {
            res.resume();
            fail(
              status >= 300 && status < 400
                ? 'answered with a redirect (not followed)'
                : `answered ${status}`,
            );
            return;
          }
          const declared = Number(res.headers['content-length']);
          if (declared > MAX_CLIENT_METADATA_BYTES) {
            fail(`is larger than ${MAX_CLIENT_METADATA_BYTES} bytes`);
            return;
          }
          const chunks: Buffer[] = [];
          let size = 0;
          res.on('data', (chunk: Buffer) => {
            size += chunk.length;
            if (size > MAX_CLIENT_METADATA_BYTES) fail(`is larger than ${MAX_CLIENT_METADATA_BYTES} bytes`);
            else chunks.push(chunk);
          });
          res.on('error', () => fail('could not be read'));
          res.on('end', () => {
            clearTimeout(timer);
            if (size > MAX_CLIENT_METADATA_BYTES) return;
            try {
              resolve({
                body: JSON.parse(Buffer.concat(chunks).toString('utf8')),
                maxAgeSeconds: maxAge(res.headers['cache-control']),
              });
            } catch {
              reject(new ClientMetadataFetchError('is not JSON'));
            }
          });
        },
      );
      const timer = setTimeout(
        () => fail(`did not answer within ${CLIENT_METADATA_TIMEOUT_MS / 1000} s`),
        CLIENT_METADATA_TIMEOUT_MS,
      );
      timer.unref();
      req.on('error', (err: NodeJS.ErrnoException) => {
        clearTimeout(timer);
        reject(
          new ClientMetadataFetchError(
            err.code === OUTGOING_REQUEST_REFUSED
              ? 'is at an address this server may not connect to'
              : 'could not be reached',
          ),
        );
      });
      req.end();
    });
  }
}

/** `max-age` of a Cache-Control header; 0 for `no-store` / `no-cache`; null when it says nothing. */
function maxAge(header: string | undefined): number | null {
  if (!header) return null;
  if (/\bno-(store|cache)\b/i.test(header)) return 0;
  const match = /\bmax-age=(\d+)/i.exec(header);
  return match ? Number(match[1]) : null;
}
