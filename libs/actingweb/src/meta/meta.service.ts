import { Inject, Injectable } from '@nestjs/common';
import { AwConfig } from '../config/aw-config.js';
import type { ActorRecord } from '../storage/actor.repository.js';
import { TrustTypeRegistry } from '../permissions/trust-type-registry.service.js';

/** A `/meta` answer: JSON, text, or a redirect. */
export type MetaValue =
  { kind: 'json'; body: unknown } | { kind: 'text'; body: string } | { kind: 'redirect'; location: string };

/**
 * `/meta` (`shared/docs/protocol.md` §5). The JSON carries both shapes: the
 * spec's nested `actingweb` object and the flat keys Python peers read
 * (`id`, `type`, `aw_version`, ...), so either kind of peer can initiate trust.
 */
@Injectable()
export class MetaService {
  constructor(
    @Inject(AwConfig) private readonly config: AwConfig,
    @Inject(TrustTypeRegistry) private readonly trustTypes: TrustTypeRegistry,
  ) {}

  /** The whole `/meta` document. */
  document(actor: ActorRecord): Record<string, unknown> {
    const c = this.config;
    const supported = c.optionTags.join(',');
    const formats = c.formats.join(',');
    return {
      id: actor.id,
      type: c.type,
      version: c.version,
      desc: c.describe(actor.id),
      ...(c.info ? { info: c.info } : {}),
      ...(actor.trusteeRoot ? { trustee_root: actor.trusteeRoot } : {}),
      ...(c.specification ? { specification: c.specification } : {}),
      actingweb: { version: c.specVersion, supported, formats },
      aw_version: c.specVersion,
      aw_supported: supported,
      aw_formats: formats,
      aw_trust_types: this.trustTypes.list().map((t) => t.name),
    };
  }

  /** One `/meta/<path>`; null for paths we do not serve (→ 404, as the spec requires for unsupported optional paths). */
  path(actor: ActorRecord, path: string): MetaValue | null {
    const c = this.config;
    const text = (body: string | null): MetaValue | null => (body === null ? null : { kind: 'text', body });
    switch (path.replace(/\/+$/, '')) {
      case '':
        return { kind: 'json', body: this.document(actor) };
      case 'id':
        return text(actor.id);
      case 'type':
        return text(c.type);
      case 'version':
        return text(c.version);
      case 'desc':
        return text(c.describe(actor.id));
      case 'info':
        // Spec: 302 to a page about the mini-app.
        return c.info ? { kind: 'redirect', location: c.info } : null;
      case 'trustee_root':
        return text(actor.trusteeRoot);
      case 'specification':
        return text(c.specification);
      case 'actingweb':
        return {
          kind: 'json',
          body: { version: c.specVersion, supported: c.optionTags.join(','), formats: c.formats.join(',') },
        };
      case 'actingweb/version':
        return text(c.specVersion);
      case 'actingweb/supported':
        return text(c.optionTags.join(','));
      case 'actingweb/formats':
        return text(c.formats.join(','));
      case 'trusttypes':
        return { kind: 'json', body: this.trustTypes.toMeta() };
      case 'actingweb/trust_types':
        return { kind: 'json', body: this.trustTypes.toMetaList() };
      default:
        return null;
    }
  }
}
