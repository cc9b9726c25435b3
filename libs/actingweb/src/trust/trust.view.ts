import type { EffectivePermissions } from '../permissions/permission.service.js';
import type { TrustRecord } from '../storage/trust.repository.js';

/**
 * A trust record as the protocol shows it (ActingWeb spec, "Relationships and
 * their data"), with the effective `permissions` when asked for. The
 * verification token goes out under both names: the spec reads
 * `verificationToken`, Python peers read `verification_token`.
 */
export function trustView(trust: TrustRecord, permissions?: EffectivePermissions): Record<string, unknown> {
  return {
    id: trust.actorId,
    peerid: trust.peerId,
    baseuri: trust.baseuri,
    type: trust.peerType,
    relationship: trust.relationship,
    secret: trust.secret,
    desc: trust.description,
    approved: trust.approved,
    peer_approved: trust.peerApproved,
    verified: trust.verified,
    ...(trust.verificationToken
      ? { verificationToken: trust.verificationToken, verification_token: trust.verificationToken }
      : {}),
    ...(trust.establishedVia ? { established_via: trust.establishedVia } : {}),
    created_at: trust.createdAt,
    ...(permissions ? { permissions: { ...permissions.permissions } } : {}),
  };
}

/** The `GET /trust/<rel>/<peer>/permissions` document (ActingWeb spec, "Types of Relationships"). */
export function permissionsDocumentView(
  actorId: string,
  record: TrustRecord,
  effective: EffectivePermissions,
): Record<string, unknown> {
  const p = effective.permissions;
  return {
    actor_id: actorId,
    peer_id: record.peerId,
    trust_type: effective.trustType,
    properties: p.properties ?? null,
    methods: p.methods ?? null,
    actions: p.actions ?? null,
    tools: p.tools ?? null,
    resources: p.resources ?? null,
    prompts: p.prompts ?? null,
    created_by: effective.createdBy ?? 'system',
    updated_at: effective.updatedAt ?? null,
    notes: effective.notes ?? '',
    is_custom: effective.isCustom,
    source: effective.source,
  };
}

/** The answer of `GET /<id>/permissions/<peer>` (ActingWeb spec, "Permission Query Endpoint"). */
export function permissionQueryView(
  actorId: string,
  record: TrustRecord,
  effective: EffectivePermissions,
): Record<string, unknown> {
  const p = effective.permissions;
  return {
    actor_id: actorId,
    peer_id: record.peerId,
    permissions: {
      properties: p.properties ?? null,
      methods: p.methods ?? null,
      actions: p.actions ?? null,
      tools: p.tools ?? null,
      resources: p.resources ?? null,
      prompts: p.prompts ?? null,
    },
    source: effective.source,
    trust_type: effective.trustType,
  };
}
