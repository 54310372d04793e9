import { createHash } from 'node:crypto';
import type { RequestHandler } from 'express';
import { ApiError } from './errors';

export interface RateLimits {
  /** Requests per minute of one API key; 0 = unlimited. */
  apiKeyPerMinute: number;
  /** Requests per minute of one booking's manage token; 0 = unlimited. */
  manageTokenPerMinute: number;
}

const WINDOW_MS = 60_000;

export class TooManyRequests extends ApiError {
  constructor(limit: number, retryAfterSeconds: number) {
    super(429, 'Too many requests', `at most ${limit} requests a minute with these credentials; retry in ${retryAfterSeconds} s`, {
      code: 'rate_limited',
    });
  }
}

/**
 * A fixed one-minute window per credential (API key or manage token, by hash: the map holds no
 * secret), counted in this process: with several API replicas each allows the limit. Answers carry
 * the IETF draft RateLimit and RateLimit-Policy fields; a refusal is 429 with Retry-After.
 */
export function rateLimit(limits: RateLimits): RequestHandler {
  let windowStart = Date.now();
  let counts = new Map<string, number>();
  return (req, res, next) => {
    const principal = req.principal;
    const limit = principal?.kind === 'customer' ? limits.manageTokenPerMinute : limits.apiKeyPerMinute;
    if (!principal || limit <= 0) return next();
    const now = Date.now();
    if (now - windowStart >= WINDOW_MS) {
      windowStart = now - ((now - windowStart) % WINDOW_MS);
      counts = new Map();
    }
    const key = createHash('sha256').update(req.get('authorization') ?? '').digest('base64url');
    const used = (counts.get(key) ?? 0) + 1;
    counts.set(key, used);
    const reset = Math.max(1, Math.ceil((windowStart + WINDOW_MS - now) / 1000));
    res.set('ratelimit-policy', `${limit};w=60`);
    res.set('ratelimit', `limit=${limit}, remaining=${Math.max(0, limit - used)}, reset=${reset}`);
    if (used > limit) {
      res.set('retry-after', String(reset));
      throw new TooManyRequests(limit, reset);
    }
    next();
  };
}
