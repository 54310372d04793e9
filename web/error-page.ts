import type { ErrorRequestHandler, Request, Response } from 'express';
import { BookingRefusal, Conflict, IdempotencyKeyReused, NotFound, Unavailable } from '../bookings/errors';
import { html } from './html';
import { page } from './layout';
import { fieldErrorWording, refusalWording } from './refusal-wording';
import { localeOf, translator, type StringKey } from './strings';

const NO_BRAND = { branding: { organizationId: '', name: 'Bookings', logoUrl: null }, primaryColor: null, secondaryColor: null };

/** A page that says what went wrong, in the visitor's language, with the status it answers with. */
export function sendErrorPage(req: Request, res: Response, status: number, title: StringKey, text: StringKey, vars: Record<string, string> = {}): void {
  const locale = localeOf(req);
  const t = translator(locale);
  const back = /^\/book\/[a-z0-9-]{1,64}/.exec(req.path)?.[0];
  res.status(status).type('html').send(page({
    title: t(title), locale, t, brand: NO_BRAND,
    body: html`<section><h1>${t(title)}</h1><p>${t(text, vars)}</p>${back ? html`<p><a href="${back}?lang=${locale}">${t('back_to_start')}</a></p>` : ''}</section>`,
  }));
}

export function sendNotFoundPage(req: Request, res: Response): void {
  sendErrorPage(req, res, 404, 'not_found', 'not_found_text');
}

/**
 * Whatever a page meets (a refused query, a form too large, a database gone, a bug) answers as
 * a page in the visitor's language, never as the API's JSON; failures are logged as the API's are.
 */
export const pageErrors: ErrorRequestHandler = (error, req, res, next) => {
  if (res.headersSent) return next(error);
  if (error instanceof Unavailable || /ECONNREFUSED|ETIMEDOUT|Connection terminated|UNAVAILABLE/.test(String(error?.message ?? error))) {
    (req.log ?? console).warn({ err: error }, `${req.method} ${req.originalUrl}: a dependency is unreachable`);
    return sendErrorPage(req, res, 503, 'unavailable_title', 'unavailable_text');
  }
  if (error instanceof BookingRefusal) {
    const locale = localeOf(req);
    const t = translator(locale);
    const reason = error.extra.errors
      ? fieldErrorWording(t, locale, error.extra.errors).map((item) => `${item.path}: ${item.message}`).join('; ')
      : refusalWording(t, locale, error.extra.code, error.message, 'refused_change');
    const status = error instanceof NotFound ? 404 : error instanceof Conflict ? 409 : error instanceof IdempotencyKeyReused ? 422 : 400;
    return sendErrorPage(req, res, status, 'bad_request_title', 'bad_request_text', { reason });
  }
  if (error?.type === 'entity.too.large') return sendErrorPage(req, res, 413, 'too_large_title', 'too_large_text');
  if (typeof error?.status === 'number' && error.status >= 400 && error.status < 500) {
    return sendErrorPage(req, res, error.status, 'bad_request_title', 'bad_request_text', { reason: String(error.message) });
  }
  (req.log ?? console).error({ err: error }, `${req.method} ${req.originalUrl} failed`);
  return sendErrorPage(req, res, 500, 'error_title', 'error_text');
};
