import { BadRequestError } from '../../errors/actingweb.errors.js';

/** Longest text field read from a console form; longer values are refused (400), never cut. */
const MAX_FIELD_LENGTH = 1_000_000;

/**
 * A submitted console form (`application/x-www-form-urlencoded`; any other
 * body reads as an empty form, whose missing CSRF token then refuses it).
 * Field names are looked up in a map, so `__proto__` is just a name. No field may
 * hold a NUL character (no browser sends one; PostgreSQL text cannot store it).
 */
export class ConsoleForm {
  static readonly EMPTY = new ConsoleForm(new URLSearchParams());
  private readonly values = new Map<string, string[]>();

  constructor(params: URLSearchParams) {
    for (const [key, value] of params) {
      const list = this.values.get(key);
      if (list) list.push(value);
      else this.values.set(key, [value]);
    }
  }

  static parse(text: string): ConsoleForm {
    return new ConsoleForm(new URLSearchParams(text));
  }

  /** The request body as a form (what the console's body parser produced), or the empty form. */
  static of(body: unknown): ConsoleForm {
    return body instanceof ConsoleForm ? body : ConsoleForm.EMPTY;
  }

  /** The first value of `name`, or '' when absent. Over `maxLength` characters → 400. */
  text(name: string, maxLength = MAX_FIELD_LENGTH): string {
    const value = this.values.get(name)?.[0] ?? '';
    if (value.length > maxLength)
      throw new BadRequestError(`The field ${name} is longer than ${maxLength} characters`, 'field_too_long');
    if (value.includes('\u0000'))
      throw new BadRequestError(`The field ${name} contains a NUL character`, 'invalid_character');
    return value;
  }

  /** Every value of `name` (checkbox groups). */
  all(name: string): string[] {
    return [...(this.values.get(name) ?? [])];
  }

  has(name: string): boolean {
    return this.values.has(name);
  }

  /** The first value of every field, in a null-prototype object (what application pages get). */
  firstValues(): Record<string, string> {
    const fields: Record<string, string> = Object.create(null);
    for (const [name, values] of this.values) fields[name] = values[0];
    return fields;
  }
}
