import type { AwConfig } from '../config/aw-config.js';
import type { ActorRecord } from '../storage/actor.repository.js';

/** `/meta/actingweb`: the spec version, option tags and formats. */
export function actingwebView(config: AwConfig): Record<string, string> {
  return {
    version: config.specVersion,
    supported: config.optionTags.join(','),
    formats: config.formats.join(','),
  };
}

/**
 * `/meta` (ActingWeb spec, "/meta (MUST)"). Both shapes: the spec's nested `actingweb`
 * object and the flat keys Python peers read (`id`, `type`, `aw_version`,
 * ...), so either kind of peer can initiate trust.
 */
export function metaView(
  config: AwConfig,
  actor: ActorRecord,
  trustTypeNames: readonly string[],
): Record<string, unknown> {
  const actingweb = actingwebView(config);
  return {
    id: actor.id,
    type: config.type,
    version: config.version,
    desc: config.describe(actor.id),
    ...(config.info ? { info: config.info } : {}),
    ...(actor.trusteeRoot ? { trustee_root: actor.trusteeRoot } : {}),
    ...(config.specification ? { specification: config.specification } : {}),
    actingweb,
    aw_version: actingweb.version,
    aw_supported: actingweb.supported,
    aw_formats: actingweb.formats,
    aw_trust_types: trustTypeNames,
  };
}
