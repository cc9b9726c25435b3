/** `/<id>/www`: who the actor is, what it has, what happened lately. */
export const OVERVIEW = `<h1>Your actor</h1>
<dl class="facts panel">
<dt>Actor id</dt><dd><code><%= it.actor.id %></code></dd>
<dt>Creator</dt><dd><%= it.actor.creator %></dd>
<dt>Address</dt><dd><code><%= it.actor.url %></code></dd>
<dt>Trustee</dt><dd><% if (it.actor.trusteeRoot) { %><code><%= it.actor.trusteeRoot %></code><% } else { %><span class="muted">none</span><% } %></dd>
</dl>
<h2>At a glance</h2>
<ul class="counts">
<% it.counts.forEach(function (c) { %><li><a href="<%= c.href %>"><strong><%= c.value %></strong><%= c.label %></a></li>
<% }) %></ul>
<h2>Recent activity</h2>
<% if (it.recent.length === 0) { %>
<p class="muted">Nothing yet: no trust, subscription or connected application.</p>
<% } else { %>
<div class="scroll"><table>
<thead><tr><th scope="col">When (UTC)</th><th scope="col">What</th></tr></thead>
<tbody>
<% it.recent.forEach(function (r) { %><tr><td><time datetime="<%= r.at %>"><%= r.when %></time></td><td><a href="<%= r.href %>"><%= r.text %></a></td></tr>
<% }) %></tbody>
</table></div>
<% } %>
`;
