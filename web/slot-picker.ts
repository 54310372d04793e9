import type { Kysely } from 'kysely';
import { DateTime } from 'luxon';
import { findAvailableSlots } from '../bookings/availability';
import type { Database } from '../db/schema';
import type { ServiceWithResources } from '../db/services';
import { Html, html } from './html';
import type { Locale, Translate } from './strings';

export interface PickerState {
  /** The visitor's zone: days and times are theirs. */
  zone: string;
  /** yyyy-MM shown, and the chosen yyyy-MM-dd if any. */
  month: string;
  date: string | null;
}

/** The month and day asked for in the query, else this month in the visitor's zone. */
export function pickerState(query: Record<string, unknown>, zone: string, now: Date): PickerState {
  const today = DateTime.fromJSDate(now, { zone });
  const date = typeof query.date === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(query.date) && DateTime.fromISO(query.date).isValid ? query.date : null;
  const month = typeof query.month === 'string' && /^\d{4}-\d{2}$/.test(query.month) && DateTime.fromISO(`${query.month}-01`).isValid
    ? query.month : (date ?? today.toISODate()!).slice(0, 7);
  return { zone, month, date };
}

/** Every IANA zone the runtime knows, for the zone chooser. */
const ZONES: string[] = (Intl as unknown as { supportedValuesOf(kind: string): string[] }).supportedValuesOf('timeZone');

export function zoneChooser(t: Translate, zone: string, hidden: Record<string, string>): Html {
  const zones = ZONES.includes(zone) ? ZONES : [zone, ...ZONES];
  return html`<form method="get" class="inline" data-zone-form>
${Object.entries(hidden).map(([name, value]) => html`<input type="hidden" name="${name}" value="${value}">`)}
<div><label for="tz">${t('timezone')}</label><select id="tz" name="tz">${zones.map((candidate) =>
    html`<option value="${candidate}"${candidate === zone ? new Html(' selected') : ''}>${candidate}</option>`)}</select></div>
<button type="submit" class="secondary">${t('change_timezone')}</button></form>`;
}

/**
 * The month view (days with open slots are links) and, for a chosen day, its slots as buttons of
 * one form: choosing one posts its start. Works without JavaScript.
 */
export async function slotPicker(options: {
  db: Kysely<Database>; service: ServiceWithResources; state: PickerState; locale: Locale; t: Translate; now: Date;
  /** Query parameters every link keeps (lang, reschedule…). */
  keep: Record<string, string>;
  action: string; hidden: Record<string, string>;
}): Promise<Html> {
  const { state, t, locale } = options;
  const first = DateTime.fromISO(`${state.month}-01`, { zone: state.zone }).setLocale(locale);
  const last = first.endOf('month');
  const { slots } = await findAvailableSlots(options.db, options.service.organization_id, {
    service: options.service.id, from: first.toISODate()!, to: last.toISODate()!, timezone: state.zone, spaces: 1,
  }, options.now);
  const byDate = new Map<string, number[]>();
  for (const slot of slots) {
    const date = DateTime.fromMillis(slot.start, { zone: state.zone }).toISODate()!;
    byDate.set(date, [...(byDate.get(date) ?? []), slot.start]);
  }
  const link = (params: Record<string, string>) => `?${new URLSearchParams({ ...options.keep, tz: state.zone, ...params })}`;

  const weeks: (DateTime | null)[][] = [];
  let week: (DateTime | null)[] = Array(first.weekday - 1).fill(null);
  for (let day = first; day <= last; day = day.plus({ days: 1 })) {
    week.push(day);
    if (week.length === 7) { weeks.push(week); week = []; }
  }
  if (week.length) weeks.push([...week, ...Array(7 - week.length).fill(null)]);
  const weekdays = Array.from({ length: 7 }, (_, index) => first.set({ weekday: (index + 1) as 1 }).toFormat('ccc'));

  const chosen = state.date ? byDate.get(state.date) ?? [] : [];
  const chosenLabel = state.date ? DateTime.fromISO(state.date, { zone: state.zone }).setLocale(locale).toFormat('cccc d LLLL') : '';
  return html`<section aria-labelledby="month-heading"><h2 id="month-heading">${t('choose_day')}</h2>
<div class="nav"><a href="${link({ month: first.minus({ months: 1 }).toFormat('yyyy-MM') })}">← ${t('previous_month')}</a>
<strong>${first.toFormat('LLLL yyyy')}</strong>
<a href="${link({ month: first.plus({ months: 1 }).toFormat('yyyy-MM') })}">${t('next_month')} →</a></div>
<table class="month"><thead><tr>${weekdays.map((name) => html`<th scope="col">${name}</th>`)}</tr></thead><tbody>
${weeks.map((days) => html`<tr>${days.map((day) => {
    if (!day) return html`<td></td>`;
    const date = day.toISODate()!;
    const label = day.toFormat('cccc d LLLL');
    return byDate.has(date)
      ? html`<td><a href="${link({ month: state.month, date })}#slots" aria-label="${t('day_has_slots', { date: label })}"${date === state.date ? new Html(' aria-current="date"') : ''}>${day.day}</a></td>`
      : html`<td><span>${day.day}</span></td>`;
  })}</tr>`)}</tbody></table></section>
${state.date ? html`<section id="slots" aria-labelledby="slots-heading"><h2 id="slots-heading">${t('slots_of', { date: chosenLabel })}</h2>
${chosen.length === 0 ? html`<p>${t('no_slots')}</p>` : html`<form method="post" action="${options.action}">
${Object.entries(options.hidden).map(([name, value]) => html`<input type="hidden" name="${name}" value="${value}">`)}
<fieldset style="border:0;padding:0;margin:0"><legend class="sr">${t('choose_time')}</legend><ul class="slots">${chosen.map((start) => {
    const local = DateTime.fromMillis(start, { zone: state.zone });
    return html`<li><button type="submit" name="start" value="${local.toISO()}">${local.toFormat('HH:mm')}</button></li>`;
  })}</ul></fieldset></form>`}</section>` : ''}`;
}
