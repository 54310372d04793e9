import { createHash } from 'node:crypto';
import type { RequestHandler } from 'express';
import type { Kysely } from 'kysely';
import { countRequests, forgetIdleCounters, type CountedRequest } from '../db/rate-limit-counters';
import type { Database } from '../db/schema';
import { unreachableDependency } from './dependency-failure';
import { ApiError } from './errors';

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
}

const WINDOW_SECONDS = 60;

export class TooManyRequests extends ApiError {
  constructor(limit: number, retryAfterSeconds: number) {
    super(429, 'Too many requests', `at most ${limit} requests a minute with these credentials; retry in ${retryAfterSeconds} s`, {
      code: 'rate_limited',
    });
  }
}

type CountRequest = (credentialHash: string) => Promise<CountedRequest>;

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
  const count = limits.store === 'postgres' ? countInPostgres(db) : countInMemory();
  return async (req, res, next) => {
    const principal = req.principal;
    const limit = principal?.kind === 'customer' ? limits.manageTokenPerMinute : limits.apiKeyPerMinute;
    if (!principal || limit <= 0) return next();
    const key = createHash('sha256').update(req.get('authorization') ?? '').digest('base64url');
    let counted: CountedRequest;
    try {
      counted = await count(key);
    } catch (error) {
      if (unreachableDependency(error)) throw error;
      (req.log ?? console).warn({ err: error }, 'rate limit not counted');
      return next();
    }
    const { used, resetSeconds } = counted;
    res.set('ratelimit-policy', `${limit};w=${WINDOW_SECONDS}`);
    res.set('ratelimit', `limit=${limit}, remaining=${Math.max(0, limit - used)}, reset=${resetSeconds}`);
    if (used > limit) {
      res.set('retry-after', String(resetSeconds));
      throw new TooManyRequests(limit, resetSeconds);
    }
    next();
  };
}
