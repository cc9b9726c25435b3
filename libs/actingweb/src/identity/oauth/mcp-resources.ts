/**
 * The resources (RFC 8707) this authorization server issues tokens for: the
 * MCP endpoints, `<root>mcp` (the token picks the actor) and
 * `<root><actorId>/mcp`. A grant is bound to one of them or, when the client
 * named none, to its actor's endpoints in general.
 */
export class McpResources {
  readonly rootResource: string;

  constructor(private readonly root: string) {
    this.rootResource = `${root}mcp`;
  }

  actorResource(actorId: string): string {
    return `${this.root}${actorId}/mcp`;
  }

  /**
   * What a `resource` value names: the root endpoint, one actor's endpoint
   * (not checked to exist), or null when it is not one of ours. Compared as
   * exact strings, as RFC 8707 §2 asks of absolute URIs.
   */
  parse(resource: string): { kind: 'root' } | { kind: 'actor'; actorId: string } | null {
    if (resource === this.rootResource) return { kind: 'root' };
    if (!resource.startsWith(this.root) || !resource.endsWith('/mcp')) return null;
    const actorId = resource.slice(this.root.length, -'/mcp'.length);
    if (!/^[A-Za-z0-9._~-]+$/.test(actorId) || /^\.+$/.test(actorId)) return null;
    return { kind: 'actor', actorId };
  }

  /** Whether a token of `actorId`'s grant may be requested for (or used at) `resource`. */
  opens(resource: string, actorId: string): boolean {
    return resource === this.rootResource || resource === this.actorResource(actorId);
  }
}
