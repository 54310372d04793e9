import { Router } from 'express';
import { InvalidInput } from './errors';
import type { Operation } from './operations';

/**
 * Refuses query parameters a route does not declare, so `?email=` on a list is a 400 naming it
 * rather than a filter silently ignored. The allowed names are those of the route's query schema,
 * the same that the OpenAPI document lists.
 */
export function queryGuard(operations: Operation[], prefix: string): Router {
  const router = Router();
  for (const operation of operations) {
    if (prefix && !operation.path.startsWith(`${prefix}/`)) continue;
    if (!prefix && operation.path.startsWith('/v1/')) continue;
    const allowed = new Set(Object.keys(operation.query?.shape ?? {}));
    const path = operation.path.slice(prefix.length).replace(/\{(\w+)\}/g, ':$1');
    router[operation.method](path, function refuseUnknownQuery(req, _res, next) {
      const unknown = Object.keys(req.query as Record<string, unknown>).filter((name) => !allowed.has(name));
      if (unknown.length > 0) {
        throw new InvalidInput(unknown.map((name) => ({
          path: `query.${name}`,
          message: allowed.size > 0 ? `is not a parameter of this route (it takes ${[...allowed].join(', ')})` : 'this route takes no query parameters',
        })));
      }
      next();
    });
  }
  return router;
}
