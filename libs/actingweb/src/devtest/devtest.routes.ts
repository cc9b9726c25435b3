import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import type { Method } from 'axios';
import { actorRoute, type ActorCall, type ActorRoute } from '../auth/actor-route.js';
import { ActorRouter } from '../auth/actor-router.js';
import { AwConfig } from '../config/aw-config.js';
import { NotFoundError } from '../errors/actingweb.errors.js';
import { rawPathAfter } from '../http/raw-path.js';
import { DevtestAttributes } from './devtest-attributes.service.js';
import { DevtestTwin } from './devtest-twin.service.js';
import { relayedAnswer } from './devtest.view.js';

/** Both spellings of the Python reference. */
const ATTRIBUTES = ['/:actorId/devtest/attribute', '/:actorId/devtest/attributes'];
const BUCKET = ATTRIBUTES.map((p) => `${p}/:bucket`);
const ONE = ATTRIBUTES.map((p) => `${p}/:bucket/:name`);
const PROXIED = ['/:actorId/devtest/proxy/properties', '/:actorId/devtest/proxy/properties/*'];
/** Where the twin's property path starts in the request URL. */
const BELOW = '/devtest/proxy/properties/';

/**
 * `/<id>/devtest/...` (the Python reference's devtest handler): `ping`, the
 * actor's attribute buckets (`DevtestAttributes`) and its twin proxy
 * (`DevtestTwin`). Without the `devtest` option every `/devtest` path is 404
 * for anyone, before the access check. Open to the creator, the trustee and
 * admin peers.
 */
@Injectable()
export class DevtestRoutes implements OnModuleInit {
  constructor(
    @Inject(ActorRouter) private readonly router: ActorRouter,
    @Inject(AwConfig) private readonly config: AwConfig,
    @Inject(DevtestAttributes) private readonly attributes: DevtestAttributes,
    @Inject(DevtestTwin) private readonly twin: DevtestTwin,
  ) {}

  onModuleInit(): void {
    const enabled = () => {
      if (!this.config.devtest) throw new NotFoundError('Not found', 'devtest_disabled');
    };
    const routes = [...this.ping(), ...this.attributeRoutes(), ...this.proxyRoutes()];
    this.router.install(routes.map((route) => ({ ...route, before: enabled })));
  }

  private ping(): ActorRoute[] {
    return (['GET', 'PUT', 'DELETE'] as const).map((method) =>
      actorRoute({ method, url: '/:actorId/devtest/ping', access: 'devtest', status: 204, handle: () => {} }),
    );
  }

  private attributeRoutes(): ActorRoute[] {
    const { attributes } = this;
    const each = (urls: string[], route: Omit<Parameters<typeof actorRoute>[0], 'url' | 'access'>) =>
      urls.map((url) => actorRoute({ ...route, url, access: 'devtest' }));
    return [
      ...each(ATTRIBUTES, { method: 'GET', handle: ({ actor }) => attributes.all(actor.id) }),
      ...each(BUCKET, {
        method: 'GET',
        handle: ({ actor, params }) => attributes.bucket(actor.id, params.bucket),
      }),
      ...each(ONE, {
        method: 'GET',
        handle: ({ actor, params }) => attributes.get(actor.id, params.bucket, params.name),
      }),
      ...each(ONE, {
        method: 'PUT',
        status: 204,
        handle: async ({ actor, params, body }) => {
          await attributes.set(actor.id, params.bucket, params.name, body);
        },
      }),
      ...each(BUCKET, {
        method: 'POST',
        handle: ({ actor, params, body }) => attributes.setMany(actor.id, params.bucket, body),
      }),
      ...each(ATTRIBUTES, {
        method: 'DELETE',
        status: 204,
        handle: async ({ actor }) => {
          await attributes.deleteAll(actor.id);
        },
      }),
      ...each(BUCKET, {
        method: 'DELETE',
        status: 204,
        handle: async ({ actor, params }) => {
          await attributes.deleteBucket(actor.id, params.bucket);
        },
      }),
      ...each(ONE, {
        method: 'DELETE',
        status: 204,
        handle: async ({ actor, params }) => {
          await attributes.delete(actor.id, params.bucket, params.name);
        },
      }),
    ];
  }

  /** The twin's `/properties[/<path>]`, through a real trust: its status and body as it answered. */
  private proxyRoutes(): ActorRoute[] {
    const relay = (method: Method) => async (call: ActorCall) =>
      relayedAnswer(
        call.reply,
        await this.twin.proxyProperties(call.actor, method, rawPathAfter(call.request.url, BELOW), call.body),
      );
    return [
      ...PROXIED.map((url) => actorRoute({ method: 'GET', url, access: 'devtest', handle: relay('GET') })),
      actorRoute({ method: 'PUT', url: PROXIED[1], access: 'devtest', handle: relay('PUT') }),
      ...PROXIED.map((url) =>
        actorRoute({ method: 'DELETE', url, access: 'devtest', handle: relay('DELETE') }),
      ),
      // The twin's `/meta` (see `DevtestTwin.twinMeta`); `Location` is the twin.
      actorRoute({
        method: 'POST',
        url: '/:actorId/devtest/proxy/create',
        access: 'devtest',
        handle: async ({ actor, body, reply }) => {
          const { twin, meta } = await this.twin.twinMeta(actor, body);
          reply.header('location', twin.baseuri);
          return meta;
        },
      }),
    ];
  }
}
