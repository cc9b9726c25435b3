import type { FastifyReply } from 'fastify';
import type { PeerResponse } from '../peers/aw-proxy.service.js';
import type { Attribute } from '../storage/attribute.repository.js';

/** One attribute as `/devtest/attribute` shows it. */
export interface DevtestAttribute {
  data: unknown;
  /** When it was last written (ISO-8601 UTC). */
  timestamp: string;
}

export function attributeView(entry: Attribute): DevtestAttribute {
  return { data: entry.data, timestamp: entry.updatedAt };
}

/** A bucket, `{name: {data, timestamp}}`. */
export function bucketView(entries: readonly Attribute[]): Record<string, DevtestAttribute> {
  const out: Record<string, DevtestAttribute> = {};
  for (const entry of entries) out[entry.name] = attributeView(entry);
  return out;
}

/** Every bucket, `{bucket: {name: {data, timestamp}}}`. */
export function bucketsView(
  entries: readonly (Attribute & { bucket: string })[],
): Record<string, Record<string, DevtestAttribute>> {
  const out: Record<string, Record<string, DevtestAttribute>> = {};
  for (const entry of entries) (out[entry.bucket] ??= {})[entry.name] = attributeView(entry);
  return out;
}

/** A twin's answer, relayed: same status, same body; JSON stays JSON, text stays text. */
export function relayedAnswer(reply: FastifyReply, answer: PeerResponse): string | undefined {
  reply.status(answer.status);
  if (answer.data === undefined) return undefined;
  const type = answer.headers['content-type'] ?? '';
  if (typeof answer.data === 'string' && !type.includes('json')) {
    reply.type(type || 'text/plain; charset=utf-8');
    return answer.data;
  }
  reply.type('application/json; charset=utf-8');
  return JSON.stringify(answer.data);
}
