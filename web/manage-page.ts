import { DateTime } from 'luxon';
import type { Branding } from '../db/customer-pages';
import { CANCELLABLE_STATUSES, isIn, LIVE_STATUSES, RESCHEDULABLE_STATUSES } from '../domain/booking-status';
import type { Booking, BookingFieldJson, Resource } from '../db/schema';
import type { ServiceWithResources } from '../db/services';
import { waitlistPosition } from '../db/sessions';
import { errorSummary, serviceSummary, type PageContext } from './booking-page';
import { googleCalendarLink, outlookCalendarLink } from './calendar-links';
import { html, Html } from './html';
import { page } from './layout';
import { pickerState, slotPicker, zoneChooser } from './slot-picker';
import type { StringKey, Translate } from './strings';
import { clockTime, longWhen } from './time-format';

const TITLES: Record<Booking['status'], StringKey> = {
  held: 'held_title', pending_approval: 'pending_title', confirmed: 'confirmed_title', waitlisted: 'waitlisted_title',
  cancelled: 'cancelled_title', declined: 'declined_title', expired: 'expired_title', completed: 'completed_title', no_show: 'completed_title',
};

/** The id of the input that a refused field's path (`booking_fields.topic`, `email`) names. */
export function fieldIdOf(path: string): string | null {
  const field = /^booking_fields\.(\w+)$/.exec(path);
  if (field) return `field-${field[1]}`;
  return ['name', 'email', 'phone'].includes(path) ? path : null;
}

type FormValues = Record<string, string | boolean | undefined>;
type Errors = { path: string; message: string }[];

function errorFor(errors: Errors, path: string): Html {
  const error = errors.find((candidate) => candidate.path === path);
  return error ? html`<span class="field-error" id="${fieldIdOf(path)}-error">${error.message}</span>` : html``;
}

function describedBy(errors: Errors, path: string): Html {
  return errors.some((error) => error.path === path) ? new Html(` aria-describedby="${fieldIdOf(path)}-error" aria-invalid="true"`) : html``;
}

function bookingFieldInput(t: Translate, field: BookingFieldJson, values: FormValues, errors: Errors): Html {
  const id = `field-${field.name}`;
  const name = `field_${field.name}`;
  const path = `booking_fields.${field.name}`;
  const value = values[path] ?? field.default ?? '';
  const required = field.required ? new Html(' required') : html``;
  const label = html`${field.label}${field.required ? '' : ` (${t('optional')})`}`;
  const extra = describedBy(errors, path);
  switch (field.type) {
    case 'checkbox':
      return html`<label class="check" for="${id}"><input type="checkbox" id="${id}" name="${name}" value="true"${value === true ? new Html(' checked') : ''}${extra}>${label}</label>${errorFor(errors, path)}`;
    case 'textarea':
      return html`<label for="${id}">${label}</label>${errorFor(errors, path)}<textarea id="${id}" name="${name}" rows="4"${required}${extra}>${String(value)}</textarea>`;
    case 'select':
      return html`<label for="${id}">${label}</label>${errorFor(errors, path)}<select id="${id}" name="${name}"${required}${extra}><option value=""></option>${field.options.map((option) =>
        html`<option value="${option}"${option === value ? new Html(' selected') : ''}>${option}</option>`)}</select>`;
    default:
      return html`<label for="${id}">${label}</label>${errorFor(errors, path)}<input id="${id}" name="${name}" value="${String(value)}"${required}${extra}>`;
  }
}

function detailsForm(ctx: PageContext, booking: Booking, service: ServiceWithResources, action: string, zone: string, values: FormValues, errors: Errors): Html {
  const { t } = ctx;
  const text = (path: string, fallback: string | null) => String(values[path] ?? fallback ?? '');
  // Without JavaScript the deadline reads as a clock time in a named zone; the script adds the countdown.
  const until = booking.hold_expires_at ? DateTime.fromJSDate(booking.hold_expires_at, { zone }).setLocale(ctx.locale) : null;
  return html`<section aria-labelledby="details-heading"><h2 id="details-heading">${t('held_title')}</h2>
<p data-hold-until>${until ? t('held_until', { time: clockTime(until, ctx.hour12), zone }) : ''}
<span data-countdown hidden>${t('time_left')} <span class="countdown" data-expires-at="${booking.hold_expires_at?.toISOString()}" data-expired-text="${t('hold_expired')}" role="timer"></span></span></p>
<form method="post" action="${action}" novalidate>
<input type="hidden" name="tz" value="${zone}"><input type="hidden" name="lang" value="${ctx.locale}">
<input type="hidden" name="clock" value="${ctx.hour12 ? '12' : '24'}">${ctx.embed ? html`<input type="hidden" name="embed" value="1">` : ''}
<label for="name">${t('your_name')}</label>${errorFor(errors, 'name')}<input id="name" name="name" autocomplete="name" required value="${text('name', booking.customer_name)}"${describedBy(errors, 'name')}>
<label for="email">${t('email')}</label>${errorFor(errors, 'email')}<input id="email" name="email" type="email" autocomplete="email" required value="${text('email', booking.customer_email)}"${describedBy(errors, 'email')}>
<label for="phone">${t('phone')}</label>${errorFor(errors, 'phone')}<input id="phone" name="phone" type="tel" autocomplete="tel" value="${text('phone', booking.customer_phone)}"${describedBy(errors, 'phone')}>
${service.booking_fields.map((field) => bookingFieldInput(t, field, values, errors))}
<p><button type="submit">${t('submit_details')}</button></p></form></section>`;
}

/** The answers given to the service's booking fields, under their labels. */
function answersList(t: Translate, booking: Booking, service: ServiceWithResources): Html {
  const answers = booking.booking_fields ?? {};
  const shown = service.booking_fields.filter((field) => answers[field.name] !== undefined && answers[field.name] !== '');
  if (shown.length === 0) return html``;
  return html`<h2 id="answers-heading">${t('your_answers')}</h2><dl aria-labelledby="answers-heading" data-answers>${shown.map((field) => {
    const value = answers[field.name];
    return html`<dt>${field.label}</dt><dd>${typeof value === 'boolean' ? t(value ? 'yes' : 'no') : String(value)}</dd>`;
  })}</dl>`;
}

/** A start asked for in the query (a time chosen to move to), if it is one. */
function startOf(value: unknown, zone: string): DateTime | null {
  if (typeof value !== 'string') return null;
  const start = DateTime.fromISO(value, { setZone: true });
  return start.isValid ? start.setZone(zone) : null;
}

/** /manage/<token>: where the booking stands and what the customer can do with it. */
export async function renderManagePage(ctx: PageContext, options: {
  booking: Booking; service: ServiceWithResources; branding: Branding; hosts: Resource[]; token: string; zone: string;
  publicUrl: string; query: Record<string, unknown>; values?: FormValues; errors?: Errors; notice?: string | null;
}): Promise<string> {
  const { booking, service, t, zone, token, hour12 } = { ...ctx, ...options };
  const base = `/manage/${token}`;
  const errors = options.errors ?? [];
  const at = (instant: Date | number) => (typeof instant === 'number' ? DateTime.fromMillis(instant, { zone }) : DateTime.fromJSDate(instant, { zone })).setLocale(ctx.locale);
  const start = at(booking.start_at);
  const end = at(booking.end_at);
  const when = `${longWhen(start, hour12)}–${clockTime(end, hour12)} (${zone})`;
  const position = await waitlistPosition(ctx.db, booking);
  const live = isIn(CANCELLABLE_STATUSES, booking.status);
  const movable = isIn(RESCHEDULABLE_STATUSES, booking.status) && !booking.session_id;
  const rescheduling = movable && options.query.reschedule === '1';
  const moveTo = rescheduling ? startOf(options.query.start, zone) : null;
  const cancelling = live && options.query.confirm === 'cancel';
  const calendarFile = isIn(LIVE_STATUSES, booking.status) && booking.status !== 'held';
  const keep = { lang: ctx.locale, clock: hour12 ? '12' : '24', ...(ctx.embed && { embed: '1' }) };
  const self = (params: Record<string, string> = {}) => `${base}?${new URLSearchParams({ ...keep, tz: zone, ...params })}`;
  // After a move the page says what moved: the earlier start comes back in the redirect.
  const movedFrom = typeof options.query.moved_from === 'string' && /^\d{1,15}$/.test(options.query.moved_from)
    ? Number(options.query.moved_from) : null;
  const moved = movedFrom !== null && movedFrom !== booking.start_at.getTime()
    ? t('moved', { from: longWhen(at(movedFrom), hour12), to: `${longWhen(start, hour12)} (${zone})` }) : null;
  const notice = options.notice ?? moved;
  const event = { title: service.name, start: booking.start_at, end: booking.end_at, location: service.location ?? service.meeting_url,
    details: `${options.publicUrl}${base}` };

  const body = html`${errorSummary(t, errors, fieldIdOf)}
${notice ? html`<div class="notice" role="status" data-notice>${notice}</div>` : ''}
${serviceSummary(service, t, t(TITLES[booking.status]))}
<section><dl><dt>${t('service')}</dt><dd>${service.name}</dd><dt>${t('when')}</dt><dd data-booking-start="${booking.start_at.toISOString()}">${when}</dd>
${options.hosts.length ? html`<dt>${t('with')}</dt><dd>${options.hosts.map((host) => host.name).join(', ')}</dd>` : ''}
${booking.spaces > 1 ? html`<dt>${t('seats')}</dt><dd>${booking.spaces}</dd>` : ''}</dl>
${booking.status !== 'held' ? answersList(t, booking, service) : ''}
${position !== null ? html`<p data-waitlist-position="${position}">${t('waitlist_position', { n: position })}</p>` : ''}
${calendarFile ? html`<p class="calendar-links"><a class="button" href="${base}/booking.ics" download>${t('add_to_calendar')}</a>
<a href="${googleCalendarLink(event)}" rel="noopener" target="_blank">${t('add_to_google')}</a>
<a href="${outlookCalendarLink(event)}" rel="noopener" target="_blank">${t('add_to_outlook')}</a></p>` : ''}
<p>${live ? t('manage_link') : t('manage_link_ended')}<br><code>${options.publicUrl}${base}</code></p></section>
${booking.status === 'held' ? detailsForm(ctx, booking, service, `${base}/details`, zone, options.values ?? {}, errors) : ''}
${moveTo ? html`<section aria-labelledby="move-heading" data-confirm-move><h2 id="move-heading">${t('reschedule_confirm_title')}</h2>
<p>${t('reschedule_confirm_text', { from: longWhen(start, hour12), to: `${longWhen(moveTo.setLocale(ctx.locale), hour12)} (${zone})` })}</p>
<form method="post" action="${base}/reschedule"><input type="hidden" name="lang" value="${ctx.locale}"><input type="hidden" name="tz" value="${zone}">
<input type="hidden" name="clock" value="${keep.clock}">${ctx.embed ? html`<input type="hidden" name="embed" value="1">` : ''}<input type="hidden" name="start" value="${moveTo.toISO()}">
<p><button type="submit">${t('reschedule_yes')}</button> <a href="${self({ reschedule: '1', date: moveTo.toISODate()! })}">${t('choose_other')}</a></p></form></section>` : ''}
${rescheduling && !moveTo ? html`<h2>${t('reschedule_title')}</h2>${await slotPicker({
    db: ctx.db, service, state: pickerState(options.query, zone, ctx.now), locale: ctx.locale, t, now: ctx.now, hour12,
    keep: { ...keep, reschedule: '1' }, action: base, method: 'get', hidden: { ...keep, tz: zone, reschedule: '1' },
  })}` : ''}
${(movable && !rescheduling) || (live && !cancelling) ? html`<section class="actions">
${movable && !rescheduling ? html`<a href="${self({ reschedule: '1' })}">${t('reschedule')}</a>` : ''}
${live && !cancelling ? html`<a href="${self({ confirm: 'cancel' })}#cancel-heading">${t('cancel')}</a>` : ''}</section>` : ''}
${cancelling ? html`<section aria-labelledby="cancel-heading"><h2 id="cancel-heading">${t('cancel_confirm_title')}</h2>
<p>${t('cancel_confirm_text', { when })}</p>
<form method="post" action="${base}/cancel"><input type="hidden" name="lang" value="${ctx.locale}"><input type="hidden" name="tz" value="${zone}">
<input type="hidden" name="clock" value="${keep.clock}">${ctx.embed ? html`<input type="hidden" name="embed" value="1">` : ''}
<label for="reason">${t('cancel_reason')}</label><textarea id="reason" name="reason" rows="2" maxlength="2000"></textarea>
<p><button type="submit" class="secondary">${t('cancel_yes')}</button> <a href="${self()}">${t('keep_booking')}</a></p></form></section>` : ''}
<section>${zoneChooser(t, zone, { ...keep, ...(rescheduling && { reschedule: '1' }) }, { now: ctx.now, hour12, query: rescheduling ? options.query : {} })}</section>`;
  return page({
    title: t(TITLES[booking.status]), locale: ctx.locale, t, embed: ctx.embed,
    brand: { branding: options.branding, primaryColor: service.primary_color, secondaryColor: service.secondary_color }, body,
  });
}
