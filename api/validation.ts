import type { z } from 'zod';
import { InvalidInput, NotFound } from './errors';
import { uuid } from './common-schemas';

/** Parses a request part, naming each failing field by its full path (`customer.email`, `query.from`). */
export function parseInput<S extends z.ZodType>(schema: S, value: unknown, prefix?: string): z.infer<S> {
  const result = schema.safeParse(value ?? {});
  if (result.success) return result.data;
  throw new InvalidInput(result.error.issues.flatMap((issue) => {
    const at = (extra: string[] = []) => [prefix, ...issue.path.map(String), ...extra].filter(Boolean).join('.') || (prefix ?? 'body');
    // An unknown field is named itself, not the object that holds it.
    if (issue.code === 'unrecognized_keys') return issue.keys.map((key) => ({ path: at([key]), message: 'is not a field of this request' }));
    return [{ path: at(), message: issue.message }];
  }));
}

/** An id in the path that is not even a UUID names nothing: 404, like an id of another organization. */
export function pathId(id: string, what: string): string {
  if (!uuid.safeParse(id).success) throw new NotFound(`${what} ${id} not found`);
  return id;
}
