import { Inject, Injectable } from '@nestjs/common';
import { AwConfig } from '../config/aw-config.js';
import { BUILT_IN_TRUST_TYPES, type TrustTypeDefinition } from '../config/trust-types.js';

/** Who defined a trust type, as `/meta/actingweb/trust_types` reports it. */
export type TrustTypeOrigin = 'system' | 'application';

/** A resolved trust type: every field filled in. @publicApi */
export interface RegisteredTrustType extends TrustTypeDefinition {
  displayName: string;
  description: string;
  createdBy: TrustTypeOrigin;
}

/** Body of `GET /<actor>/meta/trusttypes`. */
export interface TrustTypesMeta {
  trust_types: Record<string, { display_name: string; description: string }>;
  default_trust_type: string;
}

/** One entry of `GET /<actor>/meta/actingweb/trust_types`. */
export interface TrustTypeMetaEntry {
  name: string;
  display_name: string;
  description: string;
  created_by: TrustTypeOrigin;
}

/**
 * The trust types this server knows: the built-ins plus `AwConfig.trustTypes`
 * (an app type with a built-in's name replaces it, in the built-in's place).
 * Fixed at startup; definitions are deeply frozen.
 *
 * @publicApi
 */
@Injectable()
export class TrustTypeRegistry {
  private readonly types = new Map<string, RegisteredTrustType>();
  private readonly defaultType: string;

  constructor(@Inject(AwConfig) config: AwConfig) {
    for (const t of BUILT_IN_TRUST_TYPES) this.types.set(t.name, resolve(t, 'system'));
    for (const t of config.trustTypes ?? []) this.types.set(t.name, resolve(t, 'application'));
    this.defaultType = config.defaultRelationship;
  }

  /** The type named `name`, or undefined. */
  get(name: string): RegisteredTrustType | undefined {
    return this.types.get(name);
  }

  has(name: string): boolean {
    return this.types.has(name);
  }

  /** Every type: built-ins first (in reference order), then the app's own. */
  list(): RegisteredTrustType[] {
    return [...this.types.values()];
  }

  /** `/meta/trusttypes`. */
  toMeta(): TrustTypesMeta {
    const trustTypes: TrustTypesMeta['trust_types'] = {};
    for (const t of this.types.values()) {
      trustTypes[t.name] = { display_name: t.displayName, description: t.description };
    }
    return { trust_types: trustTypes, default_trust_type: this.defaultType };
  }

  /** `/meta/actingweb/trust_types`. */
  toMetaList(): TrustTypeMetaEntry[] {
    return this.list().map((t) => ({
      name: t.name,
      display_name: t.displayName,
      description: t.description,
      created_by: t.createdBy,
    }));
  }
}

function resolve(t: TrustTypeDefinition, createdBy: TrustTypeOrigin): RegisteredTrustType {
  return Object.freeze({
    name: t.name,
    displayName: t.displayName ?? t.name,
    description: t.description ?? '',
    permissions: t.permissions,
    createdBy,
  });
}
