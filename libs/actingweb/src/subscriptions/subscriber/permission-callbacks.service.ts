import { Inject, Injectable } from '@nestjs/common';
import type { ActorHandle } from '../../hooks/actor-handle.js';
import type { Caller } from '../../common/caller.js';
import { BadRequestError } from '../../errors/actingweb.errors.js';
import { HookInvoker } from '../../hooks/hook-invoker.service.js';
import { isPlainObject } from '../../common/json.js';
import { AttributeRepository } from '../../storage/attribute.repository.js';

/** Attribute bucket holding what each peer granted us (one entry per peer). */
export const PEER_PERMISSIONS_BUCKET = '_peer_permissions';

/** What a peer granted this actor, as its last permission callback said (ActingWeb spec, "Permission Callback"). @publicApi */
export interface PeerGrantedPermissions {
  /** The callback's timestamp (ISO-8601). */
  timestamp: string;
  /** The full effective set: properties, methods, actions, tools, resources, prompts. */
  data: Record<string, unknown>;
}

/**
 * Receiving side of permission callbacks: the payload is the peer's
 * full effective grant; it replaces the cached copy unless it is older than
 * it. The `permissions` `@CallbackHook`s see every accepted payload.
 */
@Injectable()
export class PermissionCallbacks {
  constructor(
    @Inject(AttributeRepository) private readonly attributes: AttributeRepository,
    @Inject(HookInvoker) private readonly hooks: HookInvoker,
  ) {}

  /** The cached grant of `peerId`, or null. */
  async get(actorId: string, peerId: string): Promise<PeerGrantedPermissions | null> {
    const entry = await this.attributes.get(actorId, PEER_PERMISSIONS_BUCKET, peerId);
    return entry ? (entry.data as PeerGrantedPermissions) : null;
  }

  async receive(actor: ActorHandle, caller: Caller, peerId: string, body: unknown): Promise<void> {
    if (!isPlainObject(body) || !isPlainObject(body.data))
      throw new BadRequestError('Body must be {"type": "permission", "data": {...}}', 'invalid_body');
    if (body.type !== undefined && body.type !== 'permission')
      throw new BadRequestError('type must be "permission"', 'invalid_type');
    const stamp = typeof body.timestamp === 'string' ? Date.parse(body.timestamp) : Number.NaN;
    const timestamp = Number.isNaN(stamp) ? new Date().toISOString() : new Date(stamp).toISOString();
    const cached = await this.get(actor.id, peerId);
    if (cached && Date.parse(cached.timestamp) > Date.parse(timestamp)) return; // older than what we have
    const grant: PeerGrantedPermissions = { timestamp, data: body.data };
    await this.attributes.set(actor.id, PEER_PERMISSIONS_BUCKET, peerId, grant);
    await this.hooks.runCallback({
      actor,
      name: 'permissions',
      data: { ...body, granting_actor_id: peerId },
      caller,
      httpMethod: 'POST',
    });
  }
}
