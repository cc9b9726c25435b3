/** `/<id>/www/trust`: requests to approve, trusts waiting for the peer, approved ones, and a new trust. */
export const TRUST = `<h1>Trust</h1>
<h2 id="pending">Waiting for your approval</h2>
<% if (it.pending.length === 0) { %><p class="muted">No requests.</p><% } else { %>
<div class="scroll"><table aria-labelledby="pending">
<thead><tr><th scope="col">Peer</th><th scope="col">Relationship</th><th scope="col">Asked</th><th scope="col">Decide</th></tr></thead>
<tbody>
<% it.pending.forEach(function (t) { %><tr><th scope="row"><a href="<%= t.href %>"><%= t.peerLabel %></a><br><code class="muted"><%= t.baseuri %></code><% if (t.description) { %><br><span class="sub"><%= t.description %></span><% } %></th><td><%= t.relationship %></td><td><time datetime="<%= t.createdAt %>"><%= t.created %></time></td><td>
<form method="post" action="<%= t.approveAction %>"><input type="hidden" name="csrf" value="<%= it.csrf %>"><button type="submit" class="small">Approve <%= t.peerLabel %></button></form>
<form method="post" action="<%= t.deleteAction %>"><input type="hidden" name="csrf" value="<%= it.csrf %>"><button type="submit" class="small secondary danger">Reject <%= t.peerLabel %></button></form>
</td></tr>
<% }) %></tbody>
</table></div>
<% } %>
<% if (it.waiting.length > 0) { %>
<h2 id="waiting">Waiting for the peer</h2>
<div class="scroll"><table aria-labelledby="waiting">
<thead><tr><th scope="col">Peer</th><th scope="col">Relationship</th><th scope="col">Asked</th><th scope="col">Change</th></tr></thead>
<tbody>
<% it.waiting.forEach(function (t) { %><tr><th scope="row"><a href="<%= t.href %>"><%= t.peerLabel %></a><br><code class="muted"><%= t.baseuri %></code></th><td><%= t.relationship %></td><td><time datetime="<%= t.createdAt %>"><%= t.created %></time></td><td>
<form method="post" action="<%= t.refreshAction %>"><input type="hidden" name="csrf" value="<%= it.csrf %>"><button type="submit" class="small secondary">Ask <%= t.peerLabel %> again</button></form>
<form method="post" action="<%= t.deleteAction %>"><input type="hidden" name="csrf" value="<%= it.csrf %>"><button type="submit" class="small secondary danger">Withdraw from <%= t.peerLabel %></button></form>
</td></tr>
<% }) %></tbody>
</table></div>
<% } %>
<h2 id="approved">Approved</h2>
<% if (it.approved.length === 0) { %><p class="muted">No approved trust yet.</p><% } else { %>
<div class="scroll"><table aria-labelledby="approved">
<thead><tr><th scope="col">Peer</th><th scope="col">Relationship</th><th scope="col">Since</th><th scope="col">Change</th></tr></thead>
<tbody>
<% it.approved.forEach(function (t) { %><tr><th scope="row"><a href="<%= t.href %>"><%= t.peerLabel %></a><% if (t.client) { %> <span class="badge">application</span><% } %><br><code class="muted"><%= t.baseuri %></code></th><td><%= t.relationship %><% if (t.custom) { %> <span class="badge">custom permissions</span><% } %><% if (!t.verified) { %> <span class="badge warn">unverified</span><% } %></td><td><time datetime="<%= t.createdAt %>"><%= t.created %></time></td><td>
<a href="<%= t.href %>">Permissions of <%= t.peerLabel %></a>
<form method="post" action="<%= t.deleteAction %>"><input type="hidden" name="csrf" value="<%= it.csrf %>"><button type="submit" class="small secondary danger">Delete trust with <%= t.peerLabel %></button></form>
</td></tr>
<% }) %></tbody>
</table></div>
<% } %>
<% if (it.unreachable) { %>
<section class="panel" aria-labelledby="unreachable">
<h2 id="unreachable">Delete here only?</h2>
<p>The peer could not be told. You can delete the trust here anyway; the peer keeps its side until it notices.</p>
<form method="post" action="<%= it.unreachable.action %>">
<input type="hidden" name="csrf" value="<%= it.csrf %>">
<input type="hidden" name="local_only" value="1">
<button type="submit" class="secondary danger">Delete the trust with <%= it.unreachable.peerLabel %> here only</button>
</form>
</section>
<% } %>
<h2 id="new">Start a trust</h2>
<form method="post" action="<%= it.createAction %>" class="stack panel narrow" aria-labelledby="new">
<input type="hidden" name="csrf" value="<%= it.csrf %>">
<label for="peer_url">Peer address (the actor's URL)</label>
<input id="peer_url" name="peer_url" type="url" required maxlength="2000" placeholder="https://example.com/0123456789abcdef0123456789abcdef" value="<%= it.form.peer_url %>">
<label for="relationship">Relationship</label>
<select id="relationship" name="relationship">
<% it.relationships.forEach(function (r) { %><option value="<%= r.name %>"<% if (r.selected) { %> selected<% } %>><%= r.label %></option>
<% }) %></select>
<label for="description">Note for the peer <span class="muted">(optional)</span></label>
<input id="description" name="description" maxlength="500" value="<%= it.form.description %>">
<button type="submit">Ask for trust</button>
</form>
`;

/** `/<id>/www/trust/<peer>`: one trust, and its permissions (the trust type's, or an override per category). */
export const TRUST_PEER = `<nav aria-label="Breadcrumb"><ol class="crumbs"><li><a href="<%= it.trustHref %>">Trust</a></li><li><span aria-current="page"><%= it.trust.peerLabel %></span></li></ol></nav>
<h1>Trust with <%= it.trust.peerLabel %></h1>
<dl class="facts panel">
<dt>Peer id</dt><dd><code><%= it.trust.peerId %></code></dd>
<dt>Address</dt><dd><code><%= it.trust.baseuri %></code></dd>
<dt>Peer type</dt><dd><code><%= it.trust.peerType %></code></dd>
<dt>Relationship</dt><dd><%= it.trust.relationship %></dd>
<dt>Status</dt><dd><%= it.trust.status %></dd>
<dt>Verified</dt><dd><%= it.trust.verified ? 'yes' : 'no' %></dd>
<dt>Created</dt><dd><time datetime="<%= it.trust.createdAt %>"><%= it.trust.created %></time></dd>
<% if (it.trust.description) { %><dt>Note</dt><dd><%= it.trust.description %></dd><% } %>
</dl>
<h2 id="permissions">Permissions</h2>
<p>What <%= it.trust.peerLabel %> may do here: what the <strong><%= it.trust.relationship %></strong> trust type grants<% if (!it.typed) { %> (not a configured trust type: nothing by itself)<% } %>, changed per category where you customise it. Customised patterns and exclusions are added to the trust type's; operations and names allowed or denied replace the trust type's.</p>
<form method="post" action="<%= it.saveAction %>" class="stack" aria-labelledby="permissions">
<input type="hidden" name="csrf" value="<%= it.csrf %>">
<% it.categories.forEach(function (c) { %>
<fieldset>
<legend><%= c.label %></legend>
<p class="note">Trust type: <%= c.fromType %>. Now: <%= c.now %>.</p>
<label><input type="checkbox" name="<%= c.name %>_custom" value="1"<% if (c.custom) { %> checked<% } %>>Customise <%= c.label.toLowerCase() %></label>
<% if (c.kind === 'pattern') { %>
<label for="<%= c.name %>_patterns">Patterns to add (one per line)</label>
<textarea id="<%= c.name %>_patterns" name="<%= c.name %>_patterns" rows="2"><%= c.patterns %></textarea>
<div class="choices" role="group" aria-label="Operations on <%= c.label.toLowerCase() %>">
<% c.operations.forEach(function (o) { %><label><input type="checkbox" name="<%= c.name %>_operations" value="<%= o.value %>"<% if (o.checked) { %> checked<% } %>><%= o.value %></label>
<% }) %></div>
<label for="<%= c.name %>_excluded">Exclusions to add (one per line)</label>
<textarea id="<%= c.name %>_excluded" name="<%= c.name %>_excluded" rows="2"><%= c.excluded %></textarea>
<% } else { %>
<label for="<%= c.name %>_allowed">Names allowed (one per line)</label>
<textarea id="<%= c.name %>_allowed" name="<%= c.name %>_allowed" rows="2"><%= c.allowed %></textarea>
<label for="<%= c.name %>_denied">Names denied (one per line)</label>
<textarea id="<%= c.name %>_denied" name="<%= c.name %>_denied" rows="2"><%= c.denied %></textarea>
<% } %>
</fieldset>
<% }) %>
<label for="notes">Notes</label>
<input id="notes" name="notes" maxlength="1000" value="<%= it.notes %>">
<button type="submit">Save permissions</button>
</form>
<% if (it.custom) { %>
<form method="post" action="<%= it.resetAction %>" class="inline">
<input type="hidden" name="csrf" value="<%= it.csrf %>">
<button type="submit" class="secondary">Use the <%= it.trust.relationship %> trust type for everything</button>
</form>
<% } %>
`;
