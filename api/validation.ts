import type { z } from 'zod';
import { InvalidInput, NotFound } from './errors';
import { uuid } from './common-schemas';

type Issue = z.core.$ZodIssue;

/**
 * A value that fits none of a union's forms is judged by the form it comes closest to (the fewest
 * problems, an unknown field counting as wrong form): `{from, to}` backwards is a bad `to`, not
 * "no form fits".
 */
function closestForm(issue: Issue): Issue[] | null {
  if (issue.code !== 'invalid_union' || !('errors' in issue) || issue.errors.length === 0) return null;
  const cost = (issues: Issue[]) => issues.reduce((sum, item) => sum + (item.code === 'unrecognized_keys' ? 100 : 1), 0);
  const best = [...issue.errors].sort((a, b) => cost(a) - cost(b))[0];
  return best.map((item) => ({ ...item, path: [...issue.path, ...item.path] }));
}

/** Parses a request part, naming each failing field by its full path (`customer.email`, `query.from`). */
export function parseInput<S extends z.ZodType>(schema: S, value: unknown, prefix?: string): z.infer<S> {
  const result = schema.safeParse(value ?? {});
  if (result.success) return result.data;
  const named = (issue: Issue): { path: string; message: string }[] => {
    const closest = closestForm(issue);
    if (closest) return closest.flatMap(named);
    const at = (extra: string[] = []) => [prefix, ...issue.path.map(String), ...extra].filter(Boolean).join('.') || (prefix ?? 'body');
    // An unknown field is named itself, not the object that holds it.
    if (issue.code === 'unrecognized_keys') return issue.keys.map((key) => ({ path: at([key]), message: 'is not a field of this request' }));
    return [{ path: at(), message: issue.message }];
  };
  throw new InvalidInput(result.error.issues.flatMap(named));
}

/** An id in the path that is not even a UUID names nothing: 404, like an id of another organization. */
export function pathId(id: string, what: string): string {
  if (!uuid.safeParse(id).success) throw new NotFound(`${what} ${id} not found`);
  return id;
}
