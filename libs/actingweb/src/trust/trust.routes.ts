import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { actorRoute } from '../auth/actor-route.js';
import { ActorRouter } from '../auth/actor-router.js';
import { ActorHandleFactory } from '../properties/actor-handle.factory.js';
import { InitiateTrustDto, TrustRequestDto, TrusteeDto } from './dto/trust.dto.js';
import { TrustHandshake } from './trust-handshake.service.js';
import { TrustManager } from './trust-manager.service.js';
import { TrustPermissions } from './trust-permissions.service.js';
import { TrustRelationships } from './trust-relationships.service.js';
import { trustUrl } from './trust-urls.js';
import { permissionQueryView, trustView } from './trust.view.js';
import { TrusteeService } from './trustee.service.js';

/**
 * `/<id>/trust` and `/<id>/trust/<relationship>` (ActingWeb spec, "/trust -
 * Trust Relationships"), `/<id>/trust/trustee` (spec, "Using a Trustee To
 * Manage Relationships") and `/<id>/permissions/<peer>` (spec, "Permission
 * Query Endpoint"). One trust and its permissions: `TrustRecordRoutes`.
 */
@Injectable()
export class TrustRoutes implements OnModuleInit {
  constructor(
    @Inject(ActorRouter) private readonly router: ActorRouter,
    @Inject(TrustManager) private readonly trust: TrustManager,
    @Inject(TrustHandshake) private readonly handshake: TrustHandshake,
    @Inject(TrusteeService) private readonly trustee: TrusteeService,
    @Inject(TrustRelationships) private readonly relationships: TrustRelationships,
    @Inject(TrustPermissions) private readonly permissions: TrustPermissions,
    @Inject(ActorHandleFactory) private readonly handles: ActorHandleFactory,
  ) {}

  onModuleInit(): void {
    const { trust, handshake, trustee, relationships, permissions, handles } = this;
    this.router.install([
      actorRoute({
        method: 'GET',
        url: '/:actorId/trust',
        access: 'trust',
        handle: async ({ actor, query }) => {
          const { relationship, peerid, type } = query as Record<string, string | undefined>;
          const records = await trust.getRelationships(actor.id, {
            relationship,
            peerId: peerid,
            peerType: type,
          });
          return records.map((record) => trustView(record));
        },
      }),
      /** The creator asks this actor to start a trust with a peer: 201, or 408 naming the step that failed. */
      actorRoute({
        method: 'POST',
        url: '/:actorId/trust',
        access: 'trust',
        body: InitiateTrustDto,
        status: 201,
        handle: async ({ actor, body, reply }) => {
          const handle = handles.create(actor);
          const record = await handshake.initiate(handle, {
            url: body.url,
            relationship: body.relationship,
            description: body.desc,
            expectedType: body.type,
          });
          reply.header('location', trustUrl(handle.url, record.relationship, record.peerId));
          return trustView(record);
        },
      }),
      /** The spec's filtered listing (the Python reference answers 404 here). */
      actorRoute({
        method: 'GET',
        url: '/:actorId/trust/:relationship',
        access: 'trust/<type>',
        handle: async ({ actor, params }) =>
          (await trust.getRelationships(actor.id, { relationship: params.relationship })).map((record) =>
            trustView(record),
          ),
      }),
      /**
       * A peer asks for a trust; anyone may ask. 201 approved, 202 pending; 400
       * for a malformed body or relationship name; 429 when too many are pending.
       */
      actorRoute({
        method: 'POST',
        url: '/:actorId/trust/:relationship',
        access: 'trust/<type>',
        body: TrustRequestDto,
        handle: async ({ actor, params: { relationship }, body, reply }) => {
          const handle = handles.create(actor);
          const record = await handshake.accept(handle, relationship, { ...body, type: body.type ?? '' });
          reply
            .status(record.approved ? 201 : 202)
            .header('location', trustUrl(handle.url, relationship, record.peerId));
          return trustView(record);
        },
      }),
      /** Sets the trustee root and/or renames the creator: 204; 409 for a creator another actor holds (`uniqueCreator`). */
      actorRoute({
        method: 'PUT',
        url: '/:actorId/trust/trustee',
        access: 'trust',
        body: TrusteeDto,
        status: 204,
        handle: async ({ actor, body }) => {
          await trustee.set(actor, { trusteeRoot: body.trustee_root, creator: body.creator });
        },
      }),
      actorRoute({
        method: 'DELETE',
        url: '/:actorId/trust/trustee',
        access: 'trust',
        status: 204,
        handle: async ({ actor }) => {
          await trustee.clear(actor);
        },
      }),
      /**
       * `GET /<id>/permissions/<peer>`: a peer reads what it has been granted.
       * Only that peer (or the creator/admin) may ask; unlike the reference,
       * another peer's token gets 403 (docs/conformance.md).
       */
      actorRoute({
        method: 'GET',
        url: '/:actorId/permissions/:peerId',
        access: 'permissions/<id>',
        peerParam: 'peerId',
        handle: async ({ actor, params: { peerId } }) => {
          const record = await relationships.find(actor.id, peerId);
          return permissionQueryView(actor.id, record, await permissions.effective(actor.id, record));
        },
      }),
    ]);
  }
}
