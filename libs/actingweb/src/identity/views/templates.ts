/*
 * The identity pages as eta templates (`<%= %>` escapes, `<%~ %>` does not
 * and is used only for the layout's body). They are kept in code, not in
 * files, so the published package needs no asset copying. No scripts, no
 * inline styles: the pages work under `default-src 'self'`.
 */

export const LAYOUT = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<meta name="referrer" content="no-referrer">
<title><%= it.title %></title>
<link rel="stylesheet" href="<%= it.cssUrl %>">
</head>
<body>
<main class="card">
<%~ it.body %>
</main>
</body>
</html>
`;

/** Sign-in: a button per identity provider, and the passphrase form. */
export const LOGIN = `<% layout('@layout') %>
<h1>Sign in</h1>
<% if (it.purpose) { %><p class="lead"><%= it.purpose %></p><% } %>
<% if (it.error) { %><p class="error" role="alert"><%= it.error %></p><% } %>
<% if (it.session) { %>
<form method="post" action="<%= it.logoutAction %>" class="inline">
<input type="hidden" name="csrf" value="<%= it.logoutCsrf %>">
<p class="note">You are signed in as <strong><%= it.session.loginName %></strong> (actor <code><%= it.session.actorId %></code>). <button type="submit" class="link">Sign out</button></p>
</form>
<% } %>
<% if (it.providers.length > 0) { %>
<div class="providers">
<% it.providers.forEach(function (p) { %>
<form method="post" action="<%= p.action %>">
<input type="hidden" name="csrf" value="<%= p.csrf %>">
<input type="hidden" name="return_to" value="<%= it.returnTo %>">
<input type="hidden" name="for_actor" value="<%= it.forActor %>">
<button type="submit" class="secondary">Continue with <%= p.displayName %></button>
</form>
<% }) %>
</div>
<% } %>
<% if (it.passphraseLogin) { %>
<form method="post" action="<%= it.passphraseAction %>" class="stack">
<input type="hidden" name="csrf" value="<%= it.csrf %>">
<input type="hidden" name="return_to" value="<%= it.returnTo %>">
<input type="hidden" name="for_actor" value="<%= it.forActor %>">
<label for="actor">Actor id or creator</label>
<input id="actor" name="actor" autocomplete="username" required value="<%= it.actor %>">
<label for="passphrase">Passphrase</label>
<input id="passphrase" name="passphrase" type="password" autocomplete="current-password" required>
<button type="submit">Sign in</button>
</form>
<% } %>
<% if (!it.passphraseLogin && it.providers.length === 0) { %>
<p class="error">No way to sign in is configured on this server.</p>
<% } %>
`;

/** Consent: which application, where it sends you back, which actor, which access level. */
export const CONSENT = `<% layout('@layout') %>
<h1>Allow <%= it.clientName %>?</h1>
<p class="lead"><strong><%= it.clientName %></strong> wants to use the MCP tools of your actor <code><%= it.actorId %></code>.</p>
<dl class="facts">
<dt>Application</dt><dd><%= it.clientName %> <span class="muted">(<%= it.clientIdShown %>)</span></dd>
<dt>Returns you to</dt><dd><code><%= it.redirectHost %></code></dd>
<dt>Signed in as</dt><dd><%= it.loginName %></dd>
</dl>
<% if (it.localOnly) { %>
<p class="warning" role="alert">This application runs on your own device (it only returns to <code>localhost</code> or an app link). Allow it only if you started it yourself just now.</p>
<% } %>
<form method="post" action="<%= it.action %>" class="stack">
<input type="hidden" name="csrf" value="<%= it.csrf %>">
<input type="hidden" name="request" value="<%= it.requestId %>">
<% if (it.trustTypes.length > 1) { %>
<label for="trust_type">Access level</label>
<select id="trust_type" name="trust_type">
<% it.trustTypes.forEach(function (t) { %><option value="<%= t.name %>"><%= t.displayName %><% if (t.description) { %> — <%= t.description %><% } %></option><% }) %>
</select>
<% } else { %>
<input type="hidden" name="trust_type" value="<%= it.trustTypes[0].name %>">
<p class="note">Access level: <strong><%= it.trustTypes[0].displayName %></strong><% if (it.trustTypes[0].description) { %> — <%= it.trustTypes[0].description %><% } %></p>
<% } %>
<div class="buttons">
<button type="submit" name="decision" value="allow">Allow</button>
<button type="submit" name="decision" value="deny" class="secondary">Deny</button>
</div>
</form>
<form method="post" action="<%= it.logoutAction %>" class="inline">
<input type="hidden" name="csrf" value="<%= it.logoutCsrf %>">
<input type="hidden" name="return_to" value="<%= it.returnTo %>">
<p class="muted">Not <%= it.loginName %>? <button type="submit" class="link">Sign out</button></p>
</form>
`;

/** A message: an error, or "signed in / signed out". */
export const MESSAGE = `<% layout('@layout') %>
<h1><%= it.heading %></h1>
<p class="<%= it.error ? 'error' : 'lead' %>"<% if (it.error) { %> role="alert"<% } %>><%= it.message %></p>
<% if (it.link) { %><p><a href="<%= it.link.href %>"><%= it.link.text %></a></p><% } %>
<% if (it.session) { %>
<p class="note">Signed in as <strong><%= it.session.loginName %></strong> (actor <code><%= it.session.actorId %></code>).</p>
<form method="post" action="<%= it.logoutAction %>">
<input type="hidden" name="csrf" value="<%= it.logoutCsrf %>">
<button type="submit" class="secondary">Sign out</button>
</form>
<% } %>
`;

/** The one style sheet of the pages: readable on a phone, light and dark. */
export const STYLES = `:root{color-scheme:light dark;--bg:#f5f5f7;--fg:#1d1d1f;--card:#fff;--muted:#6e6e73;--accent:#0a58ca;--accent-fg:#fff;--border:#d2d2d7;--error:#b00020;--warn-bg:#fff4ce;--warn-fg:#5c4400}
@media (prefers-color-scheme:dark){:root{--bg:#111114;--fg:#f2f2f7;--card:#1c1c1f;--muted:#a1a1a6;--accent:#6ea8fe;--accent-fg:#0b0b0d;--border:#3a3a3c;--error:#ff6b81;--warn-bg:#3b3000;--warn-fg:#ffe27a}}
*{box-sizing:border-box}
body{margin:0;min-height:100vh;display:flex;align-items:flex-start;justify-content:center;background:var(--bg);color:var(--fg);font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;padding:1rem}
.card{width:100%;max-width:28rem;margin-top:8vh;background:var(--card);border:1px solid var(--border);border-radius:12px;padding:1.5rem}
h1{font-size:1.4rem;margin:0 0 .75rem}
.lead{margin:.25rem 0 1rem}
.muted{color:var(--muted)}
.note{color:var(--muted);font-size:.95rem}
.error{color:var(--error);font-weight:600}
.warning{background:var(--warn-bg);color:var(--warn-fg);border-radius:8px;padding:.75rem}
code{font-family:ui-monospace,SFMono-Regular,Menlo,monospace;font-size:.9em;word-break:break-all}
.facts{display:grid;grid-template-columns:max-content 1fr;gap:.25rem 1rem;margin:0 0 1rem}
.facts dt{color:var(--muted)}.facts dd{margin:0;word-break:break-word}
.stack{display:flex;flex-direction:column;gap:.5rem}
label{font-weight:600;margin-top:.25rem}
input,select{font:inherit;padding:.6rem .7rem;border:1px solid var(--border);border-radius:8px;background:transparent;color:inherit;width:100%}
button{font:inherit;cursor:pointer;border:0;border-radius:8px;padding:.65rem 1rem;background:var(--accent);color:var(--accent-fg);font-weight:600}
button.secondary{background:transparent;color:var(--fg);border:1px solid var(--border)}
button.link{background:none;color:var(--accent);padding:0;font-weight:400;text-decoration:underline}
.buttons{display:flex;gap:.75rem;margin-top:.75rem}.buttons button{flex:1}
.providers{display:flex;flex-direction:column;gap:.5rem;margin-bottom:1rem}.providers button{width:100%}
.inline{margin-top:1rem}
a{color:var(--accent)}
`;
