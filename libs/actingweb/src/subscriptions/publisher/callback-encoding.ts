import { promisify } from 'node:util';
import { brotliCompress, constants, deflate, gzip } from 'node:zlib';

/**
 * Compressed callbacks (tag `callbackcompression`, ActingWeb spec, "Callback Compression"): a
 * subscriber lists the encodings it accepts, in preference order, as
 * `accept_encoding` when it subscribes; the publisher compresses callback
 * bodies over about 1 KB with the first one it can, and sends the body as it
 * is when it cannot or when compressing fails.
 */

/** Encodings we can compress callbacks with. */
export type CallbackEncoding = 'gzip' | 'br' | 'deflate';

/** What our actors ask for when they subscribe (incoming request bodies are decoded in all three). */
export const CALLBACK_ENCODINGS_WE_ACCEPT: readonly CallbackEncoding[] = ['gzip', 'br', 'deflate'];

/** Bodies up to this many bytes go out as they are: compressing them gains little. */
export const MIN_COMPRESSED_CALLBACK_BYTES = 1024;

/** `identity` ("as it is") counts: listed first, it means the subscriber prefers plain bodies. */
const KNOWN = new Set(['gzip', 'br', 'deflate', 'identity']);
/** More than this many entries in `accept_encoding` is not a preference list. */
const MAX_STORED = KNOWN.size;

/**
 * A subscriber's `accept_encoding` as we store it: the entries we know, lower
 * case, in its order, each once; null when none is left.
 */
export function normalizeAcceptEncoding(raw: readonly unknown[] | null | undefined): string[] | null {
  if (!raw) return null;
  const out: string[] = [];
  for (const entry of raw) {
    if (typeof entry !== 'string') continue;
    const name = entry.trim().toLowerCase();
    if (KNOWN.has(name) && !out.includes(name)) out.push(name);
    if (out.length === MAX_STORED) break;
  }
  return out.length > 0 ? out : null;
}

/** The subscriber's first choice among the encodings we have; null for plain bodies. */
export function chooseEncoding(accepted: readonly string[] | null | undefined): CallbackEncoding | null {
  const first = accepted?.find((name) => KNOWN.has(name));
  return first === undefined || first === 'identity' ? null : (first as CallbackEncoding);
}

export type Compressor = (body: Buffer) => Promise<Buffer>;

const gzipAsync = promisify(gzip);
const deflateAsync = promisify(deflate);
const brotliAsync = promisify(brotliCompress);

/** zlib on its thread pool, never on the event loop; brotli at a moderate quality (its default, 11, is slow). */
export const COMPRESSORS: Readonly<Record<CallbackEncoding, Compressor>> = {
  gzip: (body) => gzipAsync(body),
  deflate: (body) => deflateAsync(body),
  br: (body) =>
    brotliAsync(body, {
      params: {
        [constants.BROTLI_PARAM_QUALITY]: 5,
        [constants.BROTLI_PARAM_SIZE_HINT]: body.length,
      },
    }),
};

/** A callback body ready to send, with its `Content-Encoding` (null: as it is). */
export interface EncodedBody {
  body: string | Buffer;
  encoding: CallbackEncoding | null;
  /** Why compressing was given up, when it was. */
  error?: unknown;
}

/**
 * `body` compressed for a subscriber accepting `accepted`, when it is over
 * {@link MIN_COMPRESSED_CALLBACK_BYTES} and compressing makes it smaller;
 * otherwise `body` as it is. Never throws: a failing compressor means plain.
 */
export async function encodeCallbackBody(
  body: string,
  accepted: readonly string[] | null | undefined,
  compressors: Readonly<Record<CallbackEncoding, Compressor>> = COMPRESSORS,
): Promise<EncodedBody> {
  const encoding = chooseEncoding(accepted);
  if (encoding === null) return { body, encoding: null };
  const plain = Buffer.from(body, 'utf8');
  if (plain.length <= MIN_COMPRESSED_CALLBACK_BYTES) return { body, encoding: null };
  try {
    const compressed = await compressors[encoding](plain);
    return compressed.length < plain.length
      ? { body: compressed, encoding }
      : { body: plain, encoding: null };
  } catch (error) {
    return { body: plain, encoding: null, error };
  }
}
