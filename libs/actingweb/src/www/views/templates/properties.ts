/** `/<id>/www/properties`: every property (lists with their size), and a form to add one. */
export const PROPERTIES = `<h1>Properties</h1>
<% if (it.rows.length === 0) { %>
<p class="muted">No properties yet.</p>
<% } else { %>
<div class="scroll"><table>
<caption class="sr-only">Properties of the actor</caption>
<thead><tr><th scope="col">Name</th><th scope="col">Value</th></tr></thead>
<tbody>
<% it.rows.forEach(function (r) { %><tr><th scope="row"><a href="<%= r.href %>"><%= r.name %></a></th><td><% if (r.list) { %><span class="badge">list</span> <%= r.count %> item<%= r.count === 1 ? '' : 's' %><% if (r.description) { %> <span class="muted">— <%= r.description %></span><% } %><% } else { %><code class="preview"><%= r.preview %></code><% } %></td></tr>
<% }) %></tbody>
</table></div>
<% } %>
<h2 id="add">Add a property</h2>
<form method="post" action="<%= it.createAction %>" class="stack narrow panel" aria-labelledby="add">
<input type="hidden" name="csrf" value="<%= it.csrf %>">
<label for="name">Name</label>
<input id="name" name="name" required maxlength="255" value="<%= it.form.name %>">
<fieldset>
<legend>Kind</legend>
<div class="choices">
<% it.kinds.forEach(function (k) { %><label><input type="radio" name="kind" value="<%= k.value %>"<% if (k.checked) { %> checked<% } %>><%= k.label %></label>
<% }) %></div>
</fieldset>
<label for="value">Value <span class="muted">(a list starts empty; this becomes its description)</span></label>
<textarea id="value" name="value" rows="4"><%= it.form.value %></textarea>
<button type="submit">Add</button>
</form>
`;

/** `/<id>/www/properties/<name>[?path=a/b]`: a value, its keys when it is an object, edit, add a key, delete. */
export const PROPERTY = `<nav aria-label="Breadcrumb"><ol class="crumbs">
<% it.crumbs.forEach(function (c) { %><li><% if (c.href) { %><a href="<%= c.href %>"><%= c.label %></a><% } else { %><span aria-current="page"><%= c.label %></span><% } %></li>
<% }) %></ol></nav>
<h1><%= it.heading %></h1>
<% if (it.keys) { %>
<h2>Keys</h2>
<% if (it.keys.length === 0) { %><p class="muted">An empty object.</p><% } else { %>
<div class="scroll"><table>
<caption class="sr-only">Keys of <%= it.heading %></caption>
<thead><tr><th scope="col">Key</th><th scope="col">Value</th></tr></thead>
<tbody>
<% it.keys.forEach(function (k) { %><tr><th scope="row"><a href="<%= k.href %>"><%= k.key %></a></th><td><code class="preview"><%= k.preview %></code></td></tr>
<% }) %></tbody>
</table></div>
<% } %>
<% } %>
<h2 id="edit">Edit</h2>
<form method="post" action="<%= it.saveAction %>" class="stack panel" aria-labelledby="edit">
<input type="hidden" name="csrf" value="<%= it.csrf %>">
<input type="hidden" name="path" value="<%= it.path %>">
<label for="value">Value</label>
<textarea id="value" name="value" rows="8"><%= it.form.value %></textarea>
<fieldset>
<legend>Store the value as</legend>
<div class="choices">
<% it.formats.forEach(function (f) { %><label><input type="radio" name="format" value="<%= f.value %>"<% if (f.checked) { %> checked<% } %>><%= f.label %></label>
<% }) %></div>
</fieldset>
<button type="submit">Save</button>
</form>
<% if (it.keys) { %>
<h2 id="add-key">Add a key</h2>
<form method="post" action="<%= it.addKeyAction %>" class="stack panel narrow" aria-labelledby="add-key">
<input type="hidden" name="csrf" value="<%= it.csrf %>">
<input type="hidden" name="path" value="<%= it.path %>">
<label for="key">Key</label>
<input id="key" name="key" required maxlength="255" value="<%= it.form.key %>">
<label for="key-value">Value</label>
<textarea id="key-value" name="value" rows="3"><%= it.form.keyValue %></textarea>
<fieldset>
<legend>Store the value as</legend>
<div class="choices">
<% it.keyFormats.forEach(function (f) { %><label><input type="radio" name="format" value="<%= f.value %>"<% if (f.checked) { %> checked<% } %>><%= f.label %></label>
<% }) %></div>
</fieldset>
<button type="submit">Add</button>
</form>
<% } %>
<h2 id="delete">Delete</h2>
<form method="post" action="<%= it.deleteAction %>" aria-labelledby="delete">
<input type="hidden" name="csrf" value="<%= it.csrf %>">
<input type="hidden" name="path" value="<%= it.path %>">
<button type="submit" class="secondary danger">Delete <%= it.heading %></button>
</form>
`;

/** `/<id>/www/properties/<list>[?page=n]`: description, items one page at a time, add / edit / remove. */
export const PROPERTY_LIST = `<nav aria-label="Breadcrumb"><ol class="crumbs"><li><a href="<%= it.propertiesHref %>">Properties</a></li><li><span aria-current="page"><%= it.name %></span></li></ol></nav>
<h1><%= it.name %> <span class="badge">list</span></h1>
<p><%= it.count %> item<%= it.count === 1 ? '' : 's' %>.</p>
<h2 id="items">Items</h2>
<% if (it.items.length === 0) { %><p class="muted">No items<%= it.count > 0 ? ' on this page' : '' %>.</p><% } else { %>
<div class="scroll"><table aria-labelledby="items">
<thead><tr><th scope="col">#</th><th scope="col">Item</th><th scope="col">Change</th></tr></thead>
<tbody>
<% it.items.forEach(function (i) { %><tr><th scope="row"><%= i.index %></th><td><code class="preview"><%= i.preview %></code></td><td>
<details><summary>Edit item <%= i.index %></summary>
<form method="post" action="<%= i.saveAction %>" class="stack">
<input type="hidden" name="csrf" value="<%= it.csrf %>">
<label for="item-<%= i.index %>">Item <%= i.index %></label>
<textarea id="item-<%= i.index %>" name="value" rows="4"><%= i.editValue %></textarea>
<fieldset><legend>Store as</legend><div class="choices">
<% i.formats.forEach(function (f) { %><label><input type="radio" name="format" value="<%= f.value %>"<% if (f.checked) { %> checked<% } %>><%= f.label %></label>
<% }) %></div></fieldset>
<button type="submit" class="small">Save item <%= i.index %></button>
</form>
</details>
<form method="post" action="<%= i.deleteAction %>">
<input type="hidden" name="csrf" value="<%= it.csrf %>">
<button type="submit" class="small secondary danger">Remove item <%= i.index %></button>
</form>
</td></tr>
<% }) %></tbody>
</table></div>
<% } %>
<% if (it.pages > 1) { %>
<nav class="pager" aria-label="Pages of items">
<% if (it.previousHref) { %><a href="<%= it.previousHref %>">Previous</a><% } %>
<span>Page <%= it.page %> of <%= it.pages %></span>
<% if (it.nextHref) { %><a href="<%= it.nextHref %>">Next</a><% } %>
</nav>
<% } %>
<h2 id="add-item">Add an item</h2>
<form method="post" action="<%= it.addAction %>" class="stack panel narrow" aria-labelledby="add-item">
<input type="hidden" name="csrf" value="<%= it.csrf %>">
<label for="new-item">Item</label>
<textarea id="new-item" name="value" rows="3"><%= it.form.value %></textarea>
<fieldset><legend>Store as</legend><div class="choices">
<% it.formats.forEach(function (f) { %><label><input type="radio" name="format" value="<%= f.value %>"<% if (f.checked) { %> checked<% } %>><%= f.label %></label>
<% }) %></div></fieldset>
<button type="submit">Add at the end</button>
</form>
<h2 id="about">About this list</h2>
<form method="post" action="<%= it.metadataAction %>" class="stack panel narrow" aria-labelledby="about">
<input type="hidden" name="csrf" value="<%= it.csrf %>">
<label for="description">Description</label>
<input id="description" name="description" maxlength="1000" value="<%= it.form.description %>">
<label for="explanation">Explanation</label>
<textarea id="explanation" name="explanation" rows="3"><%= it.form.explanation %></textarea>
<button type="submit" class="secondary">Save</button>
</form>
<h2 id="delete">Delete</h2>
<form method="post" action="<%= it.deleteAction %>" aria-labelledby="delete">
<input type="hidden" name="csrf" value="<%= it.csrf %>">
<button type="submit" class="secondary danger">Delete the list <%= it.name %></button>
</form>
`;
