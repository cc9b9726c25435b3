import { PERMISSION_CATEGORIES, type PermissionCategory } from '../../common/permissions.types.js';
import { OPERATIONS, PATTERN_CATEGORIES, type PermissionFormState } from '../views/trust.view.js';
import type { ConsoleForm } from './console-form.js';

const MAX_RULE_TEXT = 10_000;

/** The permissions form as submitted (also what the page shows again when saving fails). */
export function permissionStateFromForm(form: ConsoleForm): PermissionFormState {
  const categories = {} as Record<PermissionCategory, PermissionFormState['categories'][PermissionCategory]>;
  for (const name of PERMISSION_CATEGORIES) {
    categories[name] = {
      custom: form.text(`${name}_custom`, 10) === '1',
      patterns: form.text(`${name}_patterns`, MAX_RULE_TEXT),
      operations: form.all(`${name}_operations`).filter((o) => (OPERATIONS as readonly string[]).includes(o)),
      excluded: form.text(`${name}_excluded`, MAX_RULE_TEXT),
      allowed: form.text(`${name}_allowed`, MAX_RULE_TEXT),
      denied: form.text(`${name}_denied`, MAX_RULE_TEXT),
    };
  }
  return { categories, notes: form.text('notes', 1000) };
}

/**
 * The override to store (the body of `PUT .../permissions`): each overridden
 * category's rule, `null` for the others (the trust type decides), and the notes.
 */
export function permissionOverride(state: PermissionFormState): Record<string, unknown> {
  const body: Record<string, unknown> = { notes: state.notes };
  for (const name of PERMISSION_CATEGORIES) {
    const c = state.categories[name];
    if (!c.custom) {
      body[name] = null;
    } else if (PATTERN_CATEGORIES.has(name)) {
      body[name] = {
        patterns: lines(c.patterns),
        operations: [...c.operations],
        excluded_patterns: lines(c.excluded),
      };
    } else {
      body[name] = { allowed: lines(c.allowed), denied: lines(c.denied) };
    }
  }
  return body;
}

function lines(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '');
}
