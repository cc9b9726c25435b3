import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { actorRoute, type ActorCall } from '../auth/actor-route.js';
import { ActorRouter } from '../auth/actor-router.js';
import { AwConfig } from '../config/aw-config.js';
import { rawPathAfter } from '../http/raw-path.js';
import { ActorHandleFactory } from './actor-handle.factory.js';
import { PropertyDispatcher, type PropertyQuery } from './property-dispatcher.service.js';
import { parsePropertyPath } from './property-path.js';
import { sendPost, sendRead } from './properties.view.js';

const BELOW = '/properties/';

/**
 * `/<id>/properties[/<path>]` (ActingWeb spec, "/properties"), simple, nested
 * and list properties. `PropertyDispatcher` routes and checks permissions;
 * these handlers read the request and write the answer.
 */
@Injectable()
export class PropertiesRoutes implements OnModuleInit {
  constructor(
    @Inject(ActorRouter) private readonly router: ActorRouter,
    @Inject(PropertyDispatcher) private readonly dispatcher: PropertyDispatcher,
    @Inject(ActorHandleFactory) private readonly handles: ActorHandleFactory,
    @Inject(AwConfig) private readonly config: AwConfig,
  ) {}

  onModuleInit(): void {
    const { dispatcher, handles } = this;
    this.router.install([
      actorRoute({
        method: 'GET',
        url: '/:actorId/properties',
        access: 'properties',
        handle: ({ actor, caller, query }) =>
          dispatcher.listAll(handles.create(actor), caller, query as PropertyQuery),
      }),
      actorRoute({
        method: 'POST',
        url: '/:actorId/properties',
        access: 'properties',
        handle: async ({ actor, caller, body, reply }) => {
          const handle = handles.create(actor);
          return sendPost(reply, handle, await dispatcher.postAll(handle, caller, body));
        },
      }),
      actorRoute({
        method: 'DELETE',
        url: '/:actorId/properties',
        access: 'properties',
        status: 204,
        handle: ({ actor, caller }) => dispatcher.delete(handles.create(actor), caller, [], {}),
      }),
      actorRoute({
        method: 'GET',
        url: '/:actorId/properties/*',
        access: 'properties',
        handle: async (call) =>
          sendRead(
            call.reply,
            await dispatcher.read(
              handles.create(call.actor),
              call.caller,
              this.path(call),
              call.query as PropertyQuery,
            ),
          ),
      }),
      // The body is the value: a form body (`curl -X PUT -d hello`) is raw text, as in the Python reference.
      actorRoute({
        method: 'PUT',
        url: '/:actorId/properties/*',
        access: 'properties',
        flags: { awFormAsText: true },
        status: 204,
        handle: (call) =>
          dispatcher.write(
            handles.create(call.actor),
            call.caller,
            this.path(call),
            call.body,
            call.query as PropertyQuery,
          ),
      }),
      actorRoute({
        method: 'POST',
        url: '/:actorId/properties/*',
        access: 'properties',
        handle: async (call) => {
          const handle = handles.create(call.actor);
          return sendPost(
            call.reply,
            handle,
            await dispatcher.post(handle, call.caller, this.path(call), call.body),
          );
        },
      }),
      actorRoute({
        method: 'DELETE',
        url: '/:actorId/properties/*',
        access: 'properties',
        status: 204,
        handle: (call) =>
          dispatcher.delete(
            handles.create(call.actor),
            call.caller,
            this.path(call),
            call.query as PropertyQuery,
          ),
      }),
    ]);
  }

  /**
   * The path's segments, split from the raw URL so an encoded slash inside a
   * segment stays in it; 400 when one is invalid or the path is too deep.
   */
  private path(call: ActorCall): string[] {
    return parsePropertyPath(rawPathAfter(call.request.url, BELOW), this.config.maxJsonDepth);
  }
}
