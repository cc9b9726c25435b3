import { isPlainObject } from '../../common/json.js';
import { BadRequestError } from '../../errors/actingweb.errors.js';
import type { PolledDiff } from './callback-sequencing.js';

/** A subscription callback as received (ActingWeb spec, "Getting Subscription Updates"). */
export interface ReceivedCallback {
  readonly sequence: number;
  readonly type: 'diff' | 'resync';
  /** Present for high granularity. */
  readonly data?: unknown;
  readonly hasData: boolean;
  readonly granularity?: string;
}

/** What makes a body a subscription callback; a body with none of them is passed on as it is. */
const CALLBACK_FIELDS = ['sequence', 'data', 'url', 'type'] as const;

/** A JSON object with none of the callback fields: not a diff, handed to the hooks as it is. */
export function isOpaque(body: unknown): body is Record<string, unknown> {
  return isPlainObject(body) && CALLBACK_FIELDS.every((field) => !Object.hasOwn(body, field));
}

/** The callback body: `sequence` (positive integer), `type`, and `data` (high) or `url` (low/resync). */
export function parseCallback(body: unknown): ReceivedCallback {
  if (!isPlainObject(body)) throw new BadRequestError('Callback body must be a JSON object', 'invalid_body');
  const raw = body.sequence;
  const sequence = typeof raw === 'string' && /^\d{1,15}$/.test(raw) ? Number(raw) : raw;
  if (typeof sequence !== 'number' || !Number.isSafeInteger(sequence) || sequence < 1)
    throw new BadRequestError('Callback needs a positive integer "sequence"', 'invalid_sequence');
  const type = body.type === undefined || body.type === null || body.type === 'diff' ? 'diff' : body.type;
  if (type !== 'diff' && type !== 'resync')
    throw new BadRequestError('Callback "type" must be "diff" or "resync"', 'invalid_type');
  return {
    sequence,
    type,
    data: body.data,
    hasData: Object.hasOwn(body, 'data') && body.data !== undefined,
    granularity: typeof body.granularity === 'string' ? body.granularity : undefined,
  };
}

/** The `data` list of a polled subscription; entries without an integer `sequence` are dropped. */
export function parsePolledDiffs(raw: unknown): PolledDiff[] {
  if (!Array.isArray(raw)) return [];
  return raw
    .filter(isPlainObject)
    .map((d) => ({
      sequence: typeof d.sequence === 'number' ? d.sequence : Number(d.sequence),
      timestamp: typeof d.timestamp === 'string' ? d.timestamp : undefined,
      data: d.data,
    }))
    .filter((d) => Number.isSafeInteger(d.sequence));
}
