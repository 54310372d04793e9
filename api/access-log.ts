import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Request, RequestHandler } from 'express';
import { pinoHttp } from 'pino-http';
import type { Logger } from '../telemetry/logger';
import { requestContext } from '../telemetry/request-context';

/** A caller's id is kept if it is a plausible id; anything else (too long, odd characters) is replaced. */
const ACCEPTABLE_REQUEST_ID = /^[A-Za-z0-9._:\-]{1,128}$/;

/** The route template (`/v1/bookings/:id`), never the raw path: ids would make every line unique. */
export function routeOf(req: Request): string {
  return req.route ? `${req.baseUrl}${req.route.path === '/' ? '' : req.route.path}` || '/' : 'unmatched';
}

/** Query parameters whose values are secrets or personal data: a calendar feed's key, a customer's e-mail. */
const REDACTED_QUERY = new Set(['token', 'customer_email']);
/** Paths that carry a secret themselves: a manage page's token (`/manage/<token>/…`). */
const SECRET_PATH = /^(\/manage\/)[^/?#]+/;
export const REDACTED = '[redacted]';

/**
 * A request's URL as the access log may keep it: the manage token in a page's path and the values
 * of `token` and `customer_email` in the query are replaced, the rest (route, ids, other filters) stays.
 */
export function redactUrl(url: string): string {
  const queryAt = url.indexOf('?');
  const path = (queryAt < 0 ? url : url.slice(0, queryAt)).replace(SECRET_PATH, `$1${REDACTED}`);
  if (queryAt < 0) return path;
  const query = url.slice(queryAt + 1).split('&').map((pair) => {
    const equals = pair.indexOf('=');
    const rawName = equals < 0 ? pair : pair.slice(0, equals);
    let name = rawName;
    try {
      name = decodeURIComponent(rawName.replace(/\+/g, ' '));
    } catch {
      // A malformed escape: compared as sent.
    }
    return REDACTED_QUERY.has(name.toLowerCase()) ? `${rawName}=${REDACTED}` : pair;
  });
  return `${path}?${query.join('&')}`;
}

/**
 * The access log (one line per request, by pino-http) and the request id: taken from X-Request-Id
 * or made, returned in the response's X-Request-Id, bound to every log line of the request and
 * kept in the request context for the Temporal client to pass on.
 */
export function accessLog(logger: Logger): RequestHandler[] {
  const http = pinoHttp({
    logger,
    genReqId(req: IncomingMessage, res: ServerResponse) {
      const sent = req.headers['x-request-id'];
      const id = typeof sent === 'string' && ACCEPTABLE_REQUEST_ID.test(sent) ? sent : randomUUID();
      res.setHeader('x-request-id', id);
      return id;
    },
    customProps: (req) => ({ requestId: req.id, route: routeOf(req as Request) }),
    customLogLevel: (_req, res, error) => (error || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info'),
    // The Authorization header holds API keys and manage tokens: never logged; nor are the
    // tokens and e-mail addresses some URLs carry.
    serializers: {
      req: (req: { id: string; method: string; url: string }) => ({ method: req.method, url: redactUrl(req.url) }),
      res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
    },
  });
  return [
    http as unknown as RequestHandler,
    (req, _res, next) => requestContext.run({ requestId: String(req.id) }, next),
  ];
}
