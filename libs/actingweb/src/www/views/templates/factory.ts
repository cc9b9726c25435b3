/** `GET /www` (where `GET /` sends browsers): create an actor, or sign in to yours. */
export const FACTORY = `<h1><%= it.appTitle %></h1>
<p class="lead">Each person has an actor here: their own data, the peers they trust and the applications they connected. Its console is where the owner sees and changes all of it.</p>
<% if (it.signedIn) { %>
<section class="panel">
<h2>Signed in</h2>
<p>You are signed in as <strong><%= it.signedIn.loginName %></strong>.</p>
<p><a href="<%= it.signedIn.console %>">Open your console</a></p>
</section>
<% } %>
<section class="panel narrow">
<h2>Open your console</h2>
<% if (it.signInUrl) { %>
<p><a href="<%= it.signInUrl %>">Sign in</a> with your actor id (or creator) and passphrase<% if (it.providers.length > 0) { %>, or with <%= it.providers.join(', ') %><% } %>.</p>
<% } else { %>
<form method="get" action="<%= it.openAction %>" class="stack">
<label for="open-actor">Actor id</label>
<input id="open-actor" name="actor" required pattern="[0-9a-f]{32}" autocomplete="username" value="<%= it.form.actor %>">
<button type="submit" class="secondary">Open</button>
<p class="note">Your browser asks for the creator and the passphrase.</p>
</form>
<% } %>
</section>
<section class="panel narrow">
<h2>Create an actor</h2>
<form method="post" action="<%= it.createAction %>" class="stack">
<input type="hidden" name="csrf" value="<%= it.csrf %>">
<label for="creator">Your name or email (the creator)</label>
<input id="creator" name="creator" required maxlength="255" autocomplete="email" value="<%= it.form.creator %>">
<button type="submit">Create</button>
<p class="note">The passphrase is shown once, on the next page.</p>
</form>
</section>
`;

/** After `POST /www`: the new actor, its passphrase (shown this once), the way in. */
export const CREATED = `<h1>Your actor is ready</h1>
<dl class="facts panel">
<dt>Actor id</dt><dd><code><%= it.actorId %></code></dd>
<dt>Creator</dt><dd><%= it.creator %></dd>
<dt>Passphrase</dt><dd><code><%= it.passphrase %></code></dd>
<dt>Address</dt><dd><code><%= it.actorUrl %></code></dd>
</dl>
<p class="warning" role="alert">Keep the passphrase somewhere safe: it is shown only now. With it you sign in, and programs use it as the creator's password.</p>
<p><a href="<%= it.console %>">Open your console</a></p>
`;
