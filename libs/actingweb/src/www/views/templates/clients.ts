/** `/<id>/www/clients`: applications (MCP clients) connected with OAuth, their last use, revoke. */
export const CLIENTS = `<h1>Connected applications</h1>
<p class="lead">AI assistants and other MCP clients you allowed to use this actor. Revoking one ends its access at once.</p>
<% if (it.clients.length === 0) { %>
<p class="muted"><% if (it.identityOn) { %>No application is connected.<% } else { %>Applications connect with OAuth when the server's identity feature is on; none is connected.<% } %></p>
<% } else { %>
<div class="scroll"><table>
<caption class="sr-only">Connected applications</caption>
<thead><tr><th scope="col">Application</th><th scope="col">Access</th><th scope="col">Connected</th><th scope="col">Last used</th><th scope="col">Change</th></tr></thead>
<tbody>
<% it.clients.forEach(function (c) { %><tr><th scope="row"><%= c.name %><br><code class="muted"><%= c.clientId %></code><% if (c.consentedBy) { %><br><span class="muted">allowed by <%= c.consentedBy %></span><% } %></th><td><a href="<%= c.trustHref %>"><%= c.relationship %></a><% if (c.activeGrants === 0) { %> <span class="badge warn">must ask again</span><% } %></td><td><time datetime="<%= c.connectedAt %>"><%= c.connected %></time></td><td><% if (c.lastUsedAt) { %><time datetime="<%= c.lastUsedAt %>"><%= c.lastUsed %></time><% } else { %><span class="muted">never</span><% } %></td><td>
<form method="post" action="<%= it.revokeAction %>"><input type="hidden" name="csrf" value="<%= it.csrf %>"><input type="hidden" name="client_id" value="<%= c.clientId %>"><button type="submit" class="small secondary danger">Revoke <%= c.name %></button></form>
</td></tr>
<% }) %></tbody>
</table></div>
<% } %>
`;
