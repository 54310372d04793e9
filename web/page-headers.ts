import type { RequestHandler } from 'express';

/**
 * What every booking and manage page answers with: never stored by a browser or a shared cache
 * (a manage page is the customer's booking, its URL the credential), no Referer carrying that URL
 * to the sites its links lead to, and no framing by other sites. A page that may be embedded sets
 * its own `frame-ancestors` over this one.
 */
export const pageHeaders: RequestHandler = (_req, res, next) => {
  res.set('cache-control', 'no-store');
  res.set('referrer-policy', 'no-referrer');
  res.set('content-security-policy', "frame-ancestors 'none'");
  next();
};
