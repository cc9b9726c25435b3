import { isPlainObject } from '../../common/json.js';
import type { PropertyEntry, PropertyView } from '../services/console-properties.service.js';
import { editable, formatChoices, preview } from './values.js';

/** Form fields kept when a form comes back with an error. */
export type Kept = Readonly<Record<string, string>>;

/** `<base>/properties/<name>[?path=a/b]` */
export function propertyHref(base: string, name: string, path: readonly string[] = []): string {
  const href = `${base}/properties/${encodeURIComponent(name)}`;
  return path.length === 0 ? href : `${href}?path=${encodeURIComponent(path.join('/'))}`;
}

/** The properties page: rows and the add form. */
export function propertiesPageData(base: string, entries: readonly PropertyEntry[], kept: Kept = {}) {
  const kind = kept.kind ?? 'text';
  return {
    rows: entries.map((e) =>
      e.list
        ? {
            name: e.name,
            href: propertyHref(base, e.name),
            list: true,
            count: e.count,
            description: e.description,
          }
        : { name: e.name, href: propertyHref(base, e.name), list: false, preview: preview(e.value) },
    ),
    createAction: `${base}/properties`,
    form: { name: kept.name ?? '', value: kept.value ?? '' },
    kinds: [
      { value: 'text', label: 'Text', checked: kind === 'text' },
      { value: 'json', label: 'JSON', checked: kind === 'json' },
      { value: 'list', label: 'List', checked: kind === 'list' },
    ],
  };
}

/** A simple property (or a value inside it): breadcrumbs, keys of an object, edit, add a key, delete. */
export function propertyPageData(
  base: string,
  name: string,
  path: readonly string[],
  view: Extract<PropertyView, { kind: 'value' }>,
  kept: Kept = {},
) {
  const current = editable(view.value);
  // The edit form or the add-key form came back with an error: each keeps only its own input.
  const addingKey = kept.key !== undefined;
  const pathText = path.join('/');
  const crumbs = [
    { label: 'Properties', href: `${base}/properties` },
    ...[name, ...path].map((label, i) => ({
      label,
      href: i === path.length ? null : propertyHref(base, name, path.slice(0, i)),
    })),
  ];
  const keys = isPlainObject(view.value)
    ? Object.entries(view.value).map(([key, value]) => ({
        key,
        href: propertyHref(base, name, [...path, key]),
        preview: preview(value),
      }))
    : null;
  const action = (verb: string) => `${base}/properties/${encodeURIComponent(name)}/${verb}`;
  return {
    crumbs,
    heading: [name, ...path].join(' / '),
    path: pathText,
    keys,
    saveAction: action('save'),
    addKeyAction: action('keys'),
    deleteAction: action('delete'),
    form: {
      value: addingKey ? current.text : (kept.value ?? current.text),
      key: kept.key ?? '',
      keyValue: addingKey ? (kept.value ?? '') : '',
    },
    formats: formatChoices(addingKey ? current.format : (kept.format ?? current.format)),
    keyFormats: formatChoices(addingKey ? (kept.format ?? 'text') : 'text'),
  };
}

/** A list property: one page of items, each editable and removable, the add and about forms. */
export function listPageData(
  base: string,
  name: string,
  view: Extract<PropertyView, { kind: 'list' }>,
  kept: Kept = {},
) {
  const listHref = propertyHref(base, name);
  const itemAction = (index: number, verb: string) =>
    `${base}/properties/${encodeURIComponent(name)}/items/${index}/${verb}`;
  const pageHref = (page: number) => (page === 1 ? listHref : `${listHref}?page=${page}`);
  return {
    name,
    propertiesHref: `${base}/properties`,
    count: view.count,
    items: view.items.map(({ index, item }) => {
      const edit = editable(item);
      return {
        index,
        preview: preview(item),
        editValue: edit.text,
        formats: formatChoices(edit.format),
        saveAction: itemAction(index, 'save'),
        deleteAction: itemAction(index, 'delete'),
      };
    }),
    page: view.page,
    pages: view.pages,
    previousHref: view.page > 1 ? pageHref(view.page - 1) : null,
    nextHref: view.page < view.pages ? pageHref(view.page + 1) : null,
    addAction: `${base}/properties/${encodeURIComponent(name)}/items`,
    metadataAction: `${base}/properties/${encodeURIComponent(name)}/metadata`,
    deleteAction: `${base}/properties/${encodeURIComponent(name)}/delete`,
    formats: formatChoices(kept.format ?? 'text'),
    form: {
      value: kept.value ?? '',
      description: kept.description ?? view.description,
      explanation: kept.explanation ?? view.explanation,
    },
  };
}
