/*
 * The console's frame and its small pages, as eta templates (`<%= %>`
 * escapes; `<%~ %>` does not and is used only for the page body the console
 * rendered itself). Every page template renders the body only; the console
 * wraps it in `layout`. No scripts, no inline styles: the pages work under
 * `default-src 'self'; script-src 'none'`.
 */

/** The frame: header with navigation and sign-out, the notice or error, the page. */
export const LAYOUT = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<meta name="referrer" content="no-referrer">
<title><%= it.title %> · <%= it.appTitle %></title>
<link rel="stylesheet" href="<%= it.consoleCssUrl %>">
</head>
<body class="console">
<a class="skip" href="#main">Skip to the page</a>
<header class="top">
<p class="brand"><a href="<%= it.home %>"><%= it.appTitle %></a></p>
<% if (it.nav.length > 0) { %>
<nav aria-label="Console">
<ul>
<% it.nav.forEach(function (n) { %><li><a href="<%= n.href %>"<% if (n.current) { %> aria-current="page"<% } %>><%= n.label %></a></li>
<% }) %></ul>
</nav>
<% } %>
<% if (it.signOut) { %>
<form method="post" action="<%= it.signOut.action %>" class="signout">
<input type="hidden" name="csrf" value="<%= it.signOut.csrf %>">
<input type="hidden" name="return_to" value="www">
<button type="submit" class="link">Sign out <%= it.signOut.loginName %></button>
</form>
<% } %>
</header>
<main id="main">
<% if (it.notice) { %><p class="notice" role="status"><%= it.notice %></p><% } %>
<% if (it.error) { %><p class="error" role="alert"><%= it.error %></p><% } %>
<%~ it.body %>
</main>
</body>
</html>
`;

/** An error (or other message) page: what happened, and where to go from here. */
export const MESSAGE = `<h1><%= it.heading %></h1>
<p class="lead"><%= it.message %></p>
<% if (it.links.length > 0) { %>
<ul>
<% it.links.forEach(function (l) { %><li><a href="<%= l.href %>"><%= l.text %></a></li>
<% }) %></ul>
<% } %>
`;
