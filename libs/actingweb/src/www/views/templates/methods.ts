/** `/<id>/www/methods`: what the application lets peers and AI clients call (read-only). */
export const METHODS = `<h1>Methods and actions</h1>
<p class="lead">What this application offers to peers (<code>/methods</code>, <code>/actions</code>) and to AI clients (MCP tools). Which of them a peer may call depends on its trust.</p>
<% it.sections.forEach(function (s) { %>
<h2 id="<%= s.id %>"><%= s.title %></h2>
<% if (s.rows.length === 0) { %><p class="muted">None.</p><% } else { %>
<div class="scroll"><table aria-labelledby="<%= s.id %>">
<thead><tr><th scope="col">Name</th><th scope="col">Description</th><th scope="col">Takes</th></tr></thead>
<tbody>
<% s.rows.forEach(function (r) { %><tr><th scope="row"><code><%= r.name %></code></th><td><%= r.description || '—' %></td><td><% if (r.inputs.length > 0) { %><%= r.inputs.join(', ') %><% } else { %><span class="muted">—</span><% } %></td></tr>
<% }) %></tbody>
</table></div>
<% } %>
<% }) %>
`;
