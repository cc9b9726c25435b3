/** `/<id>/www/subscriptions`: who follows this actor (and whether callbacks reach them), what it follows, subscribe. */
export const SUBSCRIPTIONS = `<h1>Subscriptions</h1>
<h2 id="inbound">Peers subscribed to you</h2>
<% if (it.inbound.length === 0) { %><p class="muted">No peer is subscribed.</p><% } else { %>
<div class="scroll"><table aria-labelledby="inbound">
<thead><tr><th scope="col">Peer</th><th scope="col">What</th><th scope="col">Granularity</th><th scope="col">Last sequence</th><th scope="col">Delivery</th><th scope="col">Change</th></tr></thead>
<tbody>
<% it.inbound.forEach(function (s) { %><tr><th scope="row"><a href="<%= s.peerHref %>"><%= s.peerLabel %></a></th><td><code><%= s.scope %></code></td><td><%= s.granularity %></td><td><%= s.sequence %></td><td><span class="badge <%= s.health.tone %>"><%= s.health.label %></span><% if (s.health.detail) { %><br><span class="muted"><%= s.health.detail %></span><% } %></td><td>
<form method="post" action="<%= s.deleteAction %>"><input type="hidden" name="csrf" value="<%= it.csrf %>"><button type="submit" class="small secondary danger">End subscription of <%= s.peerLabel %> to <%= s.scope %></button></form>
</td></tr>
<% }) %></tbody>
</table></div>
<% } %>
<h2 id="outbound">Your subscriptions to peers</h2>
<% if (it.outbound.length === 0) { %><p class="muted">You follow no peer.</p><% } else { %>
<div class="scroll"><table aria-labelledby="outbound">
<thead><tr><th scope="col">Peer</th><th scope="col">What</th><th scope="col">Granularity</th><th scope="col">Last sequence</th><th scope="col">Change</th></tr></thead>
<tbody>
<% it.outbound.forEach(function (s) { %><tr><th scope="row"><a href="<%= s.peerHref %>"><%= s.peerLabel %></a></th><td><code><%= s.scope %></code></td><td><%= s.granularity %></td><td><%= s.sequence %></td><td>
<form method="post" action="<%= s.deleteAction %>"><input type="hidden" name="csrf" value="<%= it.csrf %>"><button type="submit" class="small secondary danger">Unsubscribe from <%= s.peerLabel %> <%= s.scope %></button></form>
</td></tr>
<% }) %></tbody>
</table></div>
<% } %>
<% if (it.unreachable) { %>
<section class="panel" aria-labelledby="unreachable">
<h2 id="unreachable">End it here only?</h2>
<p>The peer could not be told. You can end the subscription here anyway; the peer may still have it.</p>
<form method="post" action="<%= it.unreachable.action %>">
<input type="hidden" name="csrf" value="<%= it.csrf %>">
<input type="hidden" name="local_only" value="1">
<button type="submit" class="secondary danger">End the subscription to <%= it.unreachable.scope %> with <%= it.unreachable.peerLabel %> here only</button>
</form>
</section>
<% } %>
<h2 id="delivery">Callback delivery on this server</h2>
<p class="note">Since the server started, for every actor it serves. A subscriber whose callbacks fail keeps its diffs and catches up by polling.</p>
<dl class="facts panel" aria-labelledby="delivery">
<dt>Delivered</dt><dd><%= it.delivery.delivered %></dd>
<dt>Failed attempts</dt><dd><%= it.delivery.failed %></dd>
<dt>Not delivered</dt><dd><%= it.delivery.undelivered %></dd>
<dt>Skipped, breaker open</dt><dd><%= it.delivery.breakerOpen %></dd>
<dt>Waiting now</dt><dd><%= it.delivery.pending %></dd>
<dt>Subscribers paused now</dt><dd><%= it.delivery.openBreakers %></dd>
</dl>
<h2 id="subscribe">Subscribe to a peer</h2>
<% if (it.peers.length === 0) { %><p class="muted">You can subscribe to a peer once you trust each other (<a href="<%= it.trustHref %>">Trust</a>).</p><% } else { %>
<form method="post" action="<%= it.subscribeAction %>" class="stack panel narrow" aria-labelledby="subscribe">
<input type="hidden" name="csrf" value="<%= it.csrf %>">
<label for="peer">Peer</label>
<select id="peer" name="peer">
<% it.peers.forEach(function (p) { %><option value="<%= p.peerId %>"<% if (p.selected) { %> selected<% } %>><%= p.label %></option>
<% }) %></select>
<label for="target">Target</label>
<input id="target" name="target" required maxlength="64" value="<%= it.form.target %>">
<label for="subtarget">Subtarget <span class="muted">(optional, e.g. a property name)</span></label>
<input id="subtarget" name="subtarget" maxlength="255" value="<%= it.form.subtarget %>">
<label for="granularity">Granularity</label>
<select id="granularity" name="granularity">
<% it.granularities.forEach(function (g) { %><option value="<%= g.value %>"<% if (g.selected) { %> selected<% } %>><%= g.label %></option>
<% }) %></select>
<button type="submit">Subscribe</button>
</form>
<% } %>
`;
