import type { Kysely } from 'kysely';
import { DateTime } from 'luxon';
import type { Branding } from '../db/customer-pages';
import type { Database } from '../db/schema';
import type { ServiceWithResources } from '../db/services';
import { listSessions } from '../db/sessions';
import { html, type Html } from './html';
import { page } from './layout';
import { pickerState, slotPicker, zoneChooser } from './slot-picker';
import type { Locale, Translate } from './strings';
import { longWhen } from './time-format';

export interface PageContext {
  db: Kysely<Database>;
  locale: Locale;
  t: Translate;
  now: Date;
  /** Times on a 12-hour clock (the visitor's choice, else their language's habit). */
  hour12: boolean;
  /** Shown inside another site's frame: no header, and the script reports the height. */
  embed: boolean;
}

/** What the service is: its name, description, durations and place, shared by both pages. */
export function serviceSummary(service: ServiceWithResources, t: Translate, heading: Html | string): Html {
  return html`<section><h1>${heading}</h1>
${service.description ? html`<p>${service.description}</p>` : ''}
<dl><dt>${t('duration')}</dt><dd>${service.durations_minutes.map((minutes) => t('minutes', { n: minutes })).join(', ')}</dd>
${service.location ? html`<dt>${t('where')}</dt><dd>${service.location}</dd>` : ''}
${service.meeting_url ? html`<dt>${t('meeting_link')}</dt><dd><a href="${service.meeting_url}">${service.meeting_url}</a></dd>` : ''}</dl></section>`;
}

export function errorSummary(t: Translate, errors: { path: string; message: string }[], fieldId: (path: string) => string | null): Html {
  if (errors.length === 0) return html``;
  return html`<div class="error-summary" role="alert" tabindex="-1" data-error-summary><h2>${t('problem')}</h2><ul>${errors.map((error) => {
    const id = fieldId(error.path);
    return html`<li>${id ? html`<a href="#${id}">${error.message}</a>` : error.message}</li>`;
  })}</ul></div>`;
}

/** Group sessions: each upcoming one with its seats left, a form for seats, or the waiting list. */
async function sessionList(ctx: PageContext, service: ServiceWithResources, zone: string, action: string, key: string): Promise<Html | null> {
  const sessions = (await listSessions(ctx.db, {
    organizationId: service.organization_id, serviceId: service.id, from: ctx.now, limit: 50,
  })).filter((session) => session.status === 'scheduled' && session.start_at > ctx.now);
  const everHad = sessions.length > 0 || Boolean(await ctx.db.selectFrom('sessions').select('id').where('service_id', '=', service.id).executeTakeFirst());
  if (!everHad) return null;
  const { t, locale } = ctx;
  return html`<section aria-labelledby="sessions-heading"><h2 id="sessions-heading">${t('sessions')}</h2>
${sessions.length === 0 ? html`<p>${t('no_sessions')}</p>` : html`<ul class="sessions">${sessions.map((session) => {
    const left = session.capacity - session.seats_taken;
    const waitingRoom = session.waitlist_size - session.waitlist_taken;
    const when = longWhen(DateTime.fromJSDate(session.start_at, { zone }).setLocale(locale), ctx.hour12);
    const id = session.id;
    const status = left > 0 ? t('seats_left', { n: left }) : waitingRoom > 0 ? t('full_waitlist', { n: session.waitlist_length }) : t('full');
    return html`<li><strong>${when}</strong> · <span>${status}</span>
${left > 0 || waitingRoom > 0 ? html`<form method="post" action="${action}" class="inline">
<input type="hidden" name="session_id" value="${id}"><input type="hidden" name="key" value="${key}:${id}">
<input type="hidden" name="tz" value="${zone}"><input type="hidden" name="lang" value="${locale}">
<div><label for="name-${id}">${t('your_name')}</label><input id="name-${id}" name="name" required autocomplete="name" style="width:12rem"></div>
<div><label for="email-${id}">${t('email')}</label><input id="email-${id}" name="email" type="email" required autocomplete="email" style="width:14rem"></div>
<div><label for="spaces-${id}">${t('seats')}</label><input id="spaces-${id}" name="spaces" type="number" min="1" max="${Math.max(left, 1)}" value="1"></div>
<button type="submit">${left > 0 ? t('book_seats') : t('join_waitlist')}</button></form>` : ''}</li>`;
  })}</ul>`}</section>`;
}

/** /book/<slug>: the service, then its slot picker (or its sessions). */
export async function renderBookingPage(ctx: PageContext, options: {
  service: ServiceWithResources; branding: Branding; zone: string; query: Record<string, unknown>;
  idempotencyKey: string; errors?: { path: string; message: string }[];
}): Promise<string> {
  const { service, t, zone } = { ...ctx, ...options };
  const action = `/book/${service.slug}`;
  const keep = { lang: ctx.locale, clock: ctx.hour12 ? '12' : '24', ...(ctx.embed && { embed: '1' }) };
  const sessions = await sessionList(ctx, service, zone, `${action}/session`, options.idempotencyKey);
  const picker = sessions ?? await slotPicker({
    db: ctx.db, service, state: pickerState(options.query, zone, ctx.now), locale: ctx.locale, t, now: ctx.now, hour12: ctx.hour12,
    keep, action: `${action}/hold`, hidden: { ...keep, key: options.idempotencyKey, tz: zone },
  });
  const body = html`${errorSummary(t, options.errors ?? [], () => null)}
${serviceSummary(service, t, t('book_title', { service: service.name }))}
<section>${zoneChooser(t, zone, keep, { now: ctx.now, hour12: ctx.hour12, query: options.query })}</section>
${picker}`;
  return page({
    title: t('book_title', { service: service.name }), locale: ctx.locale, t, embed: ctx.embed,
    brand: { branding: options.branding, primaryColor: service.primary_color, secondaryColor: service.secondary_color }, body,
  });
}

/** /book/<organization-slug>: the organization's public services, each linking to its page. */
export function renderServicesPage(ctx: PageContext, options: {
  branding: Branding; services: { name: string; slug: string; description: string | null; durations_minutes: number[] }[];
}): string {
  const { t } = ctx;
  const keep = new URLSearchParams({ lang: ctx.locale, ...(ctx.embed && { embed: '1' }) });
  const title = t('services_title', { org: options.branding.name });
  const body = html`<section><h1>${title}</h1>
${options.services.length === 0 ? html`<p>${t('no_services')}</p>` : html`<ul class="services">${options.services.map((service) => html`<li>
<a href="/book/${service.slug}?${keep}"><strong>${service.name}</strong></a> · ${service.durations_minutes.map((minutes) => t('minutes', { n: minutes })).join(', ')}
${service.description ? html`<p>${service.description}</p>` : ''}</li>`)}</ul>`}</section>`;
  return page({ title, locale: ctx.locale, t, embed: ctx.embed, brand: { branding: options.branding, primaryColor: null, secondaryColor: null }, body });
}
