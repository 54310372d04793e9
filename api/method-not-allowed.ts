import type { RequestHandler } from 'express';
import { ApiError } from './errors';
import type { Operation } from './operations';

/**
 * A known path asked with a method it does not serve is 405 with `Allow`, not 404: the resource
 * exists, the verb does not. Mounted after every router, before the 404 of unknown paths.
 */
export function methodNotAllowed(operations: Operation[]): RequestHandler {
  const paths = new Map<RegExp, Set<string>>();
  for (const operation of operations) {
    const pattern = [...paths.keys()].find((key) => key.source === toPattern(operation.path).source) ?? toPattern(operation.path);
    paths.set(pattern, (paths.get(pattern) ?? new Set()).add(operation.method.toUpperCase()));
  }
  return (req, res, next) => {
    const allowed = [...paths.entries()].find(([pattern]) => pattern.test(req.path))?.[1];
    if (!allowed || allowed.has(req.method) || (req.method === 'HEAD' && allowed.has('GET'))) return next();
    res.set('allow', [...allowed].join(', '));
    throw new ApiError(405, 'Method not allowed', `${req.method} is not served at ${req.path}; it takes ${[...allowed].join(', ')}`, {
      code: 'method_not_allowed',
    });
  };
}

function toPattern(template: string): RegExp {
  return new RegExp(`^${template.replace(/\./g, '\\.').replace(/\{\w+\}/g, '[^/]+')}/?$`);
}
