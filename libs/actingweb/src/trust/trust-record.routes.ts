import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { actorRoute } from '../auth/actor-route.js';
import { ActorRouter } from '../auth/actor-router.js';
import { ActorHandleFactory } from '../properties/actor-handle.factory.js';
import { PeerApprovalDto, TrustChangeDto } from './dto/trust.dto.js';
import { parseBoolean } from './parse-boolean.js';
import { TrustPermissions } from './trust-permissions.service.js';
import { TrustRelationships } from './trust-relationships.service.js';
import { permissionsDocumentView, trustView } from './trust.view.js';

/** The trust's route: its path key, and the parameter naming the peer for `owner` rules. */
const RECORD = {
  url: '/:actorId/trust/:relationship/:peerId',
  access: 'trust/<type>/<id>',
  peerParam: 'peerId',
} as const;
/** Its permissions' route. */
const PERMISSIONS = {
  url: `${RECORD.url}/permissions`,
  access: 'trust/<type>/<id>/permissions',
  peerParam: 'peerId',
} as const;

/**
 * One trust, `/<id>/trust/<relationship>/<peer>`: read, approve, change,
 * delete; and its permissions, `/<id>/trust/<relationship>/<peer>/permissions`
 * (tag `trustpermissions`). `owner` rules compare the caller with `<peer>`.
 */
@Injectable()
export class TrustRecordRoutes implements OnModuleInit {
  constructor(
    @Inject(ActorRouter) private readonly router: ActorRouter,
    @Inject(TrustRelationships) private readonly relationships: TrustRelationships,
    @Inject(TrustPermissions) private readonly permissions: TrustPermissions,
    @Inject(ActorHandleFactory) private readonly handles: ActorHandleFactory,
  ) {}

  onModuleInit(): void {
    const { relationships, permissions, handles } = this;
    this.router.install([
      /** Creator/admin, or the peer itself (polling, or verifying us): 200 approved, 202 pending. */
      actorRoute({
        ...RECORD,
        method: 'GET',
        handle: async ({ actor, params: { relationship, peerId }, query, reply }) => {
          const trust = await relationships.find(actor.id, peerId, relationship);
          reply.status(trust.approved ? 200 : 202);
          const effective = parseBoolean(query.permissions)
            ? await permissions.effective(actor.id, trust)
            : undefined;
          return trustView(trust, effective);
        },
      }),
      /** The peer tells us it approved. */
      actorRoute({
        ...RECORD,
        method: 'POST',
        body: PeerApprovalDto,
        status: 204,
        handle: async ({ actor, params: { relationship, peerId }, body }) => {
          await relationships.receiveApproval(handles.create(actor), relationship, peerId, body.approved);
        },
      }),
      actorRoute({
        ...RECORD,
        method: 'PUT',
        body: TrustChangeDto,
        status: 204,
        handle: async ({ actor, params: { relationship, peerId }, body }) => {
          await relationships.change(handles.create(actor), relationship, peerId, body);
        },
      }),
      /** Creator/admin: delete and tell the peer (unless `?peer=true`). The peer itself: delete locally only. */
      actorRoute({
        ...RECORD,
        method: 'DELETE',
        status: 204,
        handle: async ({ actor, caller, params: { relationship, peerId }, query }) => {
          const localOnly = parseBoolean(query.peer) === true;
          await relationships.deleteAsRequested(
            handles.create(actor),
            caller,
            relationship,
            peerId,
            localOnly,
          );
        },
      }),
      /** The effective set and where it comes from. */
      actorRoute({
        ...PERMISSIONS,
        method: 'GET',
        handle: async ({ actor, params: { relationship, peerId } }) => {
          const trust = await relationships.find(actor.id, peerId, relationship);
          return permissionsDocumentView(actor.id, trust, await permissions.effective(actor.id, trust));
        },
      }),
      /** Stores an override (the body is validated as a permission set): 201 created, 200 updated, with the new document. */
      actorRoute({
        ...PERMISSIONS,
        method: 'PUT',
        handle: async ({ actor, params: { relationship, peerId }, body, reply }) => {
          const trust = await relationships.find(actor.id, peerId, relationship);
          const outcome = await permissions.set(actor.id, peerId, body);
          reply.status(outcome === 'created' ? 201 : 200);
          return permissionsDocumentView(actor.id, trust, await permissions.effective(actor.id, trust));
        },
      }),
      /** Back to the trust type's defaults: 204, or 404 when there was no override. */
      actorRoute({
        ...PERMISSIONS,
        method: 'DELETE',
        status: 204,
        handle: async ({ actor, params: { relationship, peerId } }) => {
          await relationships.find(actor.id, peerId, relationship);
          await permissions.deleteExisting(actor.id, peerId);
        },
      }),
    ]);
  }
}
