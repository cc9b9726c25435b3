import { Inject, Injectable } from '@nestjs/common';
import { AwConfig } from '../config/aw-config.js';
import type { ActorRecord } from '../storage/actor.repository.js';
import { TrustTypeRegistry } from '../permissions/trust-type-registry.service.js';
import { actingwebView, metaView } from './meta.view.js';

/** A `/meta` answer: JSON, text, or a redirect. */
export type MetaValue =
  { kind: 'json'; body: unknown } | { kind: 'text'; body: string } | { kind: 'redirect'; location: string };

/** `/meta` (ActingWeb spec, "/meta (MUST)"): the document (see `metaView`) and its paths. */
@Injectable()
export class MetaService {
  constructor(
    @Inject(AwConfig) private readonly config: AwConfig,
    @Inject(TrustTypeRegistry) private readonly trustTypes: TrustTypeRegistry,
  ) {}

  /** The whole `/meta` document. */
  document(actor: ActorRecord): Record<string, unknown> {
    return metaView(
      this.config,
      actor,
      this.trustTypes.list().map((t) => t.name),
    );
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
        return { kind: 'json', body: actingwebView(c) };
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
