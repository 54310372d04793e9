import { DateTime } from 'luxon';
import type { Branding } from '../db/customer-pages';
import { CANCELLABLE_STATUSES, isIn, RESCHEDULABLE_STATUSES } from '../domain/booking-status';
import type { Booking, BookingFieldJson, Resource } from '../db/schema';
import type { ServiceWithResources } from '../db/services';
import { waitlistPosition } from '../db/sessions';
import { errorSummary, serviceSummary, type PageContext } from './booking-page';
import { html, Html } from './html';
import { page } from './layout';
import { pickerState, slotPicker, zoneChooser } from './slot-picker';
import type { StringKey, Translate } from './strings';

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
  return html`<section aria-labelledby="details-heading"><h2 id="details-heading">${t('held_title')}</h2>
<p>${t('held_countdown')} <span class="countdown" data-expires-at="${booking.hold_expires_at?.toISOString()}" data-expired-text="${t('hold_expired')}" role="timer">${
  booking.hold_expires_at ? DateTime.fromJSDate(booking.hold_expires_at, { zone }).toFormat('HH:mm') : ''}</span></p>
<form method="post" action="${action}" novalidate>
<input type="hidden" name="tz" value="${zone}"><input type="hidden" name="lang" value="${ctx.locale}">
<label for="name">${t('your_name')}</label>${errorFor(errors, 'name')}<input id="name" name="name" autocomplete="name" required value="${text('name', booking.customer_name)}"${describedBy(errors, 'name')}>
<label for="email">${t('email')}</label>${errorFor(errors, 'email')}<input id="email" name="email" type="email" autocomplete="email" required value="${text('email', booking.customer_email)}"${describedBy(errors, 'email')}>
<label for="phone">${t('phone')}</label>${errorFor(errors, 'phone')}<input id="phone" name="phone" type="tel" autocomplete="tel" value="${text('phone', booking.customer_phone)}"${describedBy(errors, 'phone')}>
${service.booking_fields.map((field) => bookingFieldInput(t, field, values, errors))}
<p><button type="submit">${t('submit_details')}</button></p></form></section>`;
}

/** /manage/<token>: where the booking stands and what the customer can do with it. */
export async function renderManagePage(ctx: PageContext, options: {
  booking: Booking; service: ServiceWithResources; branding: Branding; hosts: Resource[]; token: string; zone: string;
  publicUrl: string; query: Record<string, unknown>; values?: FormValues; errors?: Errors; notice?: string | null;
}): Promise<string> {
  const { booking, service, t, zone, token } = { ...ctx, ...options };
  const base = `/manage/${token}`;
  const errors = options.errors ?? [];
  const start = DateTime.fromJSDate(booking.start_at, { zone }).setLocale(ctx.locale);
  const end = DateTime.fromJSDate(booking.end_at, { zone });
  const when = `${start.toFormat('cccc d LLLL yyyy, HH:mm')}–${end.toFormat('HH:mm')} (${zone})`;
  const position = await waitlistPosition(ctx.db, booking);
  const live = isIn(CANCELLABLE_STATUSES, booking.status);
  const movable = isIn(RESCHEDULABLE_STATUSES, booking.status) && !booking.session_id;
  const rescheduling = movable && options.query.reschedule === '1';

  const body = html`${errorSummary(t, errors, fieldIdOf)}
${options.notice ? html`<div class="notice" role="status">${options.notice}</div>` : ''}
${serviceSummary(service, t, t(TITLES[booking.status]))}
<section><dl><dt>${t('service')}</dt><dd>${service.name}</dd><dt>${t('when')}</dt><dd data-booking-start="${booking.start_at.toISOString()}">${when}</dd>
${options.hosts.length ? html`<dt>${t('with')}</dt><dd>${options.hosts.map((host) => host.name).join(', ')}</dd>` : ''}
${booking.spaces > 1 ? html`<dt>${t('seats')}</dt><dd>${booking.spaces}</dd>` : ''}</dl>
${position !== null ? html`<p data-waitlist-position="${position}">${t('waitlist_position', { n: position })}</p>` : ''}
${booking.status !== 'held' ? html`<p><a class="button" href="${base}/booking.ics" download>${t('add_to_calendar')}</a></p>` : ''}
<p>${t('manage_link')}<br><code>${options.publicUrl}${base}</code></p></section>
${booking.status === 'held' ? detailsForm(ctx, booking, service, `${base}/details`, zone, options.values ?? {}, errors) : ''}
${rescheduling ? html`<h2>${t('reschedule_title')}</h2>${await slotPicker({
    db: ctx.db, service, state: pickerState(options.query, zone, ctx.now), locale: ctx.locale, t, now: ctx.now,
    keep: { lang: ctx.locale, reschedule: '1' }, action: `${base}/reschedule`, hidden: { tz: zone, lang: ctx.locale },
  })}` : ''}
${movable && !rescheduling ? html`<section><a href="${base}?${new URLSearchParams({ reschedule: '1', tz: zone, lang: ctx.locale })}">${t('reschedule')}</a></section>` : ''}
${live ? html`<section aria-labelledby="cancel-heading"><h2 id="cancel-heading">${t('cancel_title')}</h2>
<form method="post" action="${base}/cancel"><input type="hidden" name="lang" value="${ctx.locale}"><input type="hidden" name="tz" value="${zone}">
<label for="reason">${t('cancel_reason')}</label><textarea id="reason" name="reason" rows="2" maxlength="2000"></textarea>
<p><button type="submit" class="secondary">${t('cancel')}</button></p></form></section>` : ''}
<section>${zoneChooser(t, zone, { lang: ctx.locale, ...(rescheduling && { reschedule: '1' }) })}</section>`;
  return page({
    title: t(TITLES[booking.status]), locale: ctx.locale, t,
    brand: { branding: options.branding, primaryColor: service.primary_color, secondaryColor: service.secondary_color }, body,
  });
}
