import { createHash } from 'node:crypto';
import type { Request, RequestHandler, Response } from 'express';
import type { Kysely } from 'kysely';
import { countRequests, forgetIdleCounters, type CountedRequest } from '../db/rate-limit-counters';
import type { Database } from '../db/schema';
import { unreachableDependency } from './dependency-failure';
import { ApiError, Unauthorized } from './errors';

export interface RateLimits {
  /** Requests per minute of one API key; 0 = unlimited. */
  apiKeyPerMinute: number;
  /** Requests per minute of one booking's manage token; 0 = unlimited. */
  manageTokenPerMinute: number;
  /**
   * Where requests are counted: `postgres`, shared by every API replica (one upsert per request), or
   * `memory`, in this process only (with N replicas a credential gets N times its limit). Default `memory`.
   */
  store?: 'postgres' | 'memory';
  /** Requests per minute of one client address to the manage pages and the codec; 0 = unlimited. */
  addressPerMinute?: number;
  /**
   * Refused credentials (wrong or revoked API keys, forged manage tokens; not a missing one) per minute of one client
   * address; past it, that address's credentials are refused with 429 before any lookup until the
   * window ends. 0 = unlimited.
   */
  failedAuthPerMinute?: number;
}

const WINDOW_SECONDS = 60;

export class TooManyRequests extends ApiError {
  constructor(limit: number, retryAfterSeconds: number, what = 'requests a minute with these credentials') {
    super(429, 'Too many requests', `at most ${limit} ${what}; retry in ${retryAfterSeconds} s`, {
      code: 'rate_limited',
    });
  }
}

type CountRequest = (credentialHash: string) => Promise<CountedRequest>;

function hashOf(value: string): string {
  return createHash('sha256').update(value).digest('base64url');
}

/** The client's address as Express sees it (the socket's peer, or the proxy's header with `trust proxy`). */
function addressOf(req: Request): string {
  return req.ip ?? req.socket.remoteAddress ?? 'unknown';
}

function counter(limits: RateLimits, db: Kysely<Database>): CountRequest {
  return limits.store === 'postgres' ? countInPostgres(db) : countInMemory();
}

/** The count, or null when the shared counter failed for another reason than an unreachable database. */
async function countOrLetThrough(req: Request, count: CountRequest, key: string): Promise<CountedRequest | null> {
  try {
    return await count(key);
  } catch (error) {
    if (unreachableDependency(error)) throw error;
    (req.log ?? console).warn({ err: error }, 'rate limit not counted');
    return null;
  }
}

/** A fixed one-minute window for all credentials of this process. */
function countInMemory(): CountRequest {
  let windowStart = Date.now();
  let counts = new Map<string, number>();
  return async (credentialHash) => {
    const now = Date.now();
    if (now - windowStart >= WINDOW_SECONDS * 1000) {
      windowStart = now - ((now - windowStart) % (WINDOW_SECONDS * 1000));
      counts = new Map();
    }
    const used = (counts.get(credentialHash) ?? 0) + 1;
    counts.set(credentialHash, used);
    return { used, resetSeconds: Math.max(1, Math.ceil((windowStart + WINDOW_SECONDS * 1000 - now) / 1000)) };
  };
}

interface Waiting { resolve(counted: CountedRequest): void; reject(error: unknown): void }

/**
 * A one-minute window per credential in PostgreSQL, shared by the replicas; idle counters are swept
 * once a minute. Requests of one credential that arrive while its count is being written wait and
 * are counted together in the next upsert (`used + n`), each getting its own place in the count:
 * one busy credential costs one upsert at a time per process instead of a queue on its row lock.
 */
function countInPostgres(db: Kysely<Database>): CountRequest {
  let sweptAt = 0;
  const writing = new Set<string>();
  const waiting = new Map<string, Waiting[]>();

  const write = (credentialHash: string, batch: Waiting[]) => {
    writing.add(credentialHash);
    countRequests(db, credentialHash, WINDOW_SECONDS, batch.length).then(
      ({ used, resetSeconds }) => batch.forEach((request, index) => request.resolve({ used: used - batch.length + index + 1, resetSeconds })),
      (error) => batch.forEach((request) => request.reject(error)),
    ).finally(() => {
      writing.delete(credentialHash);
      const next = waiting.get(credentialHash);
      if (next) {
        waiting.delete(credentialHash);
        write(credentialHash, next);
      }
    });
  };

  return (credentialHash) => {
    if (Date.now() - sweptAt >= WINDOW_SECONDS * 1000) {
      sweptAt = Date.now();
      forgetIdleCounters(db, WINDOW_SECONDS).catch(() => undefined);
    }
    return new Promise<CountedRequest>((resolve, reject) => {
      if (!writing.has(credentialHash)) return write(credentialHash, [{ resolve, reject }]);
      const queue = waiting.get(credentialHash);
      if (queue) queue.push({ resolve, reject });
      else waiting.set(credentialHash, [{ resolve, reject }]);
    });
  };
}

/**
 * A one-minute window per credential (API key or manage token, by hash: no secret is stored).
 * Answers carry the IETF draft RateLimit and RateLimit-Policy fields; a refusal is 429 with
 * Retry-After. If the shared counter fails for another reason than an unreachable database (which
 * is a 503 like any other), the request is let through rather than refused.
 */
export function rateLimit(limits: RateLimits, db: Kysely<Database>): RequestHandler {
  const count = counter(limits, db);
  return async (req, res, next) => {
    const principal = req.principal;
    const limit = principal?.kind === 'customer' ? limits.manageTokenPerMinute : limits.apiKeyPerMinute;
    if (!principal || limit <= 0) return next();
    const counted = await countOrLetThrough(req, count, hashOf(req.get('authorization') ?? ''));
    if (!counted) return next();
    answerWithin(res, limit, counted);
    next();
  };
}

/** The RateLimit fields of a counted request, and its 429 once the window's limit is passed. */
function answerWithin(
  res: Response, limit: number, { used, resetSeconds }: { used: number; resetSeconds: number }, what?: string,
): void {
  res.set('ratelimit-policy', `${limit};w=${WINDOW_SECONDS}`);
  res.set('ratelimit', `limit=${limit}, remaining=${Math.max(0, limit - used)}, reset=${resetSeconds}`);
  if (used > limit) {
    res.set('retry-after', String(resetSeconds));
    throw new TooManyRequests(limit, resetSeconds, what);
  }
}

/**
 * A one-minute window per client address, for the surfaces no credential limits: the manage pages
 * (their token is in the path) and the codec (counted before its key is looked up). Same fields
 * and 429 as the credentials' limit.
 */
export function addressRateLimit(limits: RateLimits, db: Kysely<Database>): RequestHandler {
  const count = counter(limits, db);
  const limit = limits.addressPerMinute ?? 0;
  return async (req, res, next) => {
    if (limit <= 0) return next();
    const counted = await countOrLetThrough(req, count, hashOf(`address ${addressOf(req)}`));
    if (!counted) return next();
    answerWithin(res, limit, counted, 'requests a minute from this address');
    next();
  };
}

/**
 * Wraps authentication so that wrong credentials cost their sender: each 401 of a presented
 * credential (a request without one costs no lookup and is not counted) is counted against
 * the client's address, and once past the limit the address is refused with 429 for the rest of
 * its window before its credential is looked up (each lookup is a database query). This process
 * remembers a refused address until its window ends; other replicas learn it from the shared count
 * at that address's next refusal.
 */
export function limitFailedAuthentication(limits: RateLimits, db: Kysely<Database>, authenticate: RequestHandler): RequestHandler {
  const count = counter(limits, db);
  const limit = limits.failedAuthPerMinute ?? 0;
  const refusedUntil = new Map<string, number>();
  const refuse = (res: Parameters<RequestHandler>[1], untilMs: number): never => {
    const retryAfter = Math.max(1, Math.ceil((untilMs - Date.now()) / 1000));
    res.set('retry-after', String(retryAfter));
    throw new TooManyRequests(limit, retryAfter, 'refused credentials a minute from this address');
  };
  return async (req, res, next) => {
    // Without a bearer credential nothing is looked up, so nothing is counted.
    if (limit <= 0 || !/^Bearer\s+\S+$/i.test(req.get('authorization') ?? '')) return authenticate(req, res, next);
    const address = addressOf(req);
    const until = refusedUntil.get(address);
    if (until !== undefined) {
      if (until > Date.now()) refuse(res, until);
      refusedUntil.delete(address);
    }
    try {
      await authenticate(req, res, next);
    } catch (error) {
      if (!(error instanceof Unauthorized)) throw error;
      const counted = await countOrLetThrough(req, count, hashOf(`refused credentials ${address}`));
      if (counted && counted.used > limit) {
        const untilMs = Date.now() + counted.resetSeconds * 1000;
        if (refusedUntil.size > 10_000) refusedUntil.clear();
        refusedUntil.set(address, untilMs);
        refuse(res, untilMs);
      }
      throw error;
    }
  };
}
