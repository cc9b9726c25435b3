import { NotFoundError } from '../errors/actingweb.errors.js';

const notFound = (path: string) => new NotFoundError(`Resource ${path} not found`, 'resource_not_found');

/**
 * Status codes of `/resources/<name>[/<sub>...]` (docs/methods-actions.md#resources),
 * read by `answerFromHooks`:
 *
 * | Request | A hook answered | Nothing answered |
 * | --- | --- | --- |
 * | GET | 200 JSON | 404 |
 * | POST | 201 JSON | 404 |
 * | PUT, DELETE | 200 JSON | 404 |
 */
export const RESOURCE_STATUS = {
  GET: { status: 200, unanswered: notFound },
  POST: { status: 201, unanswered: notFound },
  PUT: { status: 200, unanswered: notFound },
  DELETE: { status: 200, unanswered: notFound },
};

/** `GET /resources`: the names that have a `resource_<name>` hook. */
export function resourceListView(names: readonly string[]): { resources: { name: string }[] } {
  return { resources: names.map((name) => ({ name })) };
}
