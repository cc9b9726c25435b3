/*
 * The routes of the baseline server: plain Fastify, no Nest, doing the same storage work as the
 * ActingWeb routes through the library's own ActingWebDatabase and repositories (same SQL, same
 * backend) and the same constant-time credential check. Used by raw-fastify-server.ts and, in one
 * process with the ActingWeb application, by bench/pipeline-breakdown.ts.
 */
import type { FastifyInstance } from 'fastify';
import { newActorId, newSecret } from '../../libs/actingweb/src/actors/actor.service.js';
import { normalizeCreator } from '../../libs/actingweb/src/common/creator.js';
import { secretsEqual } from '../../libs/actingweb/src/auth/constant-time.js';
import type { AwConfig } from '../../libs/actingweb/src/config/aw-config.js';
import type { ActingWebDatabase } from '../../libs/actingweb/src/storage/actingweb-database.js';
import { ActorRepository, type ActorRecord } from '../../libs/actingweb/src/storage/actor.repository.js';
import { PropertyRepository } from '../../libs/actingweb/src/storage/property.repository.js';
import { getAt, setAt } from '../../libs/actingweb/src/common/json-path.js';

/** Registers the baseline routes on `app`; `database` must be migrated. */
export function rawRoutes(app: FastifyInstance, config: AwConfig, database: ActingWebDatabase): void {
  const actors = new ActorRepository(database);
  const properties = new PropertyRepository(database);

  app.post<{ Body: { creator?: unknown } | undefined }>('/', async (request, reply) => {
    const creator = typeof request.body?.creator === 'string' ? request.body.creator : undefined;
    const actor = {
      id: newActorId(),
      creator: normalizeCreator(creator),
      passphrase: newSecret(),
      trusteeRoot: null,
      createdAt: new Date().toISOString(),
    };
    await actors.insert(actor);
    reply.status(201).header('location', config.actorUrl(actor.id));
    return { id: actor.id, creator: actor.creator, passphrase: actor.passphrase };
  });

  app.get<{ Params: { id: string } }>('/:id/meta', async (request, reply) => {
    const actor = await actors.findById(request.params.id);
    if (!actor)
      return reply.status(404).send({ statusCode: 404, error: 'Not Found', message: 'Actor not found' });
    return metaDocument(config, actor);
  });

  app.get<{ Params: { id: string } }>('/:id', async (request, reply) => {
    const actor = await actors.findById(request.params.id);
    if (!actor)
      return reply.status(404).send({ statusCode: 404, error: 'Not Found', message: 'Actor not found' });
    const header = request.headers.authorization;
    if (!header?.toLowerCase().startsWith('basic ')) {
      return reply
        .status(401)
        .header('www-authenticate', `Basic realm="${config.authRealm}"`)
        .send({ statusCode: 401 });
    }
    const decoded = Buffer.from(header.slice(6).trim(), 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    const userOk = secretsEqual(colon < 0 ? decoded : decoded.slice(0, colon), actor.creator);
    const passwordOk = secretsEqual(colon < 0 ? '' : decoded.slice(colon + 1), actor.passphrase);
    if (!userOk || !passwordOk) return reply.status(403).send({ statusCode: 403 });
    return { id: actor.id, creator: actor.creator, passphrase: actor.passphrase };
  });

  /** Actor lookup + Basic check, as the access check does for the creator. */
  async function authorized(id: string, header: string | undefined): Promise<ActorRecord | number> {
    const actor = await actors.findById(id);
    if (!actor) return 404;
    if (!header?.toLowerCase().startsWith('basic ')) return 401;
    const decoded = Buffer.from(header.slice(6).trim(), 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    const userOk = secretsEqual(colon < 0 ? decoded : decoded.slice(0, colon), actor.creator);
    const passwordOk = secretsEqual(colon < 0 ? '' : decoded.slice(colon + 1), actor.passphrase);
    return userOk && passwordOk ? actor : 403;
  }

  // Property read: the same two queries as ActingWeb (actor, then the property row), JSON parse, walk.
  app.get<{ Params: { id: string; '*': string } }>('/:id/properties/*', async (request, reply) => {
    const actor = await authorized(request.params.id, request.headers.authorization);
    if (typeof actor === 'number') return reply.status(actor).send({ statusCode: actor });
    const [name, ...sub] = request.params['*'].split('/');
    const stored = await properties.get(actor.id, name);
    const value = stored === null ? undefined : getAt(JSON.parse(stored), sub);
    if (value === undefined) return reply.status(404).send({ statusCode: 404 });
    if (typeof value === 'string') reply.type('text/plain; charset=utf-8');
    return value;
  });

  // Property write: one transaction with the per-name lock, read, merge, upsert (as PropertiesService.put).
  app.put<{ Params: { id: string; '*': string }; Body: unknown }>(
    '/:id/properties/*',
    async (request, reply) => {
      const actor = await authorized(request.params.id, request.headers.authorization);
      if (typeof actor === 'number') return reply.status(actor).send({ statusCode: actor });
      const [name, ...sub] = request.params['*'].split('/');
      await database.transaction(async (tx) => {
        await database.lockInTransaction(tx, `${actor.id}/properties/${name}`);
        const stored = await properties.get(actor.id, name, tx);
        const root = setAt(stored === null ? undefined : JSON.parse(stored), sub, request.body);
        await properties.put(actor.id, name, JSON.stringify(root), tx);
      });
      return reply.status(204).send();
    },
  );

  app.get('/_bench/noop', async () => ({ ok: true }));
}

/** The `/meta` document in ActingWeb's shape (the keys of `metaView`, meta/meta.view.ts), built inline. */
function metaDocument(c: AwConfig, actor: ActorRecord): Record<string, unknown> {
  const supported = c.optionTags.join(',');
  const formats = c.formats.join(',');
  return {
    id: actor.id,
    type: c.type,
    version: c.version,
    desc: c.describe(actor.id),
    ...(actor.trusteeRoot ? { trustee_root: actor.trusteeRoot } : {}),
    actingweb: { version: c.specVersion, supported, formats },
    aw_version: c.specVersion,
    aw_supported: supported,
    aw_formats: formats,
  };
}
