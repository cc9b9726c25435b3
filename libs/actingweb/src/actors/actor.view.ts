import type { ActorRecord } from '../storage/actor.repository.js';
import type { AwConfig } from '../config/aw-config.js';
import type { ActorHandle } from '../hooks/actor-handle.js';

/** `POST /` (201) and `GET /<id>`: `{id, creator, passphrase[, trustee_root]}` (ActingWeb spec, "Instantiation of Actors"). */
export function actorView(
  actor: Pick<ActorRecord | ActorHandle, 'id' | 'creator' | 'trusteeRoot'>,
  passphrase: string,
): Record<string, unknown> {
  return {
    id: actor.id,
    creator: actor.creator,
    passphrase,
    ...(actor.trusteeRoot ? { trustee_root: actor.trusteeRoot } : {}),
  };
}

/** `GET /` as JSON: what this factory is and how to create an actor (not in the spec). */
export function factoryView(config: AwConfig): Record<string, unknown> {
  return {
    type: config.type,
    version: config.version,
    aw_version: config.specVersion,
    aw_supported: config.optionTags.join(','),
    create: {
      method: 'POST',
      url: config.root,
      body: { creator: 'string?', passphrase: 'string?', trustee_root: 'url?' },
    },
  };
}

/** `GET /` for browsers: a form that creates an actor. */
export function factoryPage(config: AwConfig): string {
  return `<!doctype html><html><head><meta charset="utf-8"><title>ActingWeb factory</title></head><body>
<h1>ActingWeb factory</h1><p>Mini-app type <code>${escapeHtml(config.type)}</code>.</p>
<form method="post" action="${escapeHtml(config.root)}"><label>Creator <input name="creator"></label>
<button type="submit">Create actor</button></form></body></html>`;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
