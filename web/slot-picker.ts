import type { Kysely } from 'kysely';
import { DateTime } from 'luxon';
import { datesWithSlots, slotsOfDate, type DaySlot } from '../bookings/availability-days';
import type { Database } from '../db/schema';
import type { ServiceWithResources } from '../db/services';
import { Html, html } from './html';
import type { Locale, Translate } from './strings';
import { clockTime, todayIn, utcOffsetLabel, zoneChoices } from './time-format';

export interface PickerState {
  /** The visitor's zone: days and times are theirs. */
  zone: string;
  /** yyyy-MM shown, and the chosen yyyy-MM-dd if any. */
  month: string;
  date: string | null;
  /** The hour of a dense day whose times are listed (0–23), if one was chosen. */
  hour: number | null;
}

/** A day with more times than this lists one hour at a time, with links to the other hours. */
const TIMES_ON_ONE_PAGE = 48;

/** The month and day asked for in the query, else this month in the visitor's zone. */
export function pickerState(query: Record<string, unknown>, zone: string, now: Date): PickerState {
  const today = DateTime.fromJSDate(now, { zone });
  const date = typeof query.date === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(query.date) && DateTime.fromISO(query.date).isValid ? query.date : null;
  const month = typeof query.month === 'string' && /^\d{4}-\d{2}$/.test(query.month) && DateTime.fromISO(`${query.month}-01`).isValid
    ? query.month : (date ?? today.toISODate()!).slice(0, 7);
  const hour = typeof query.hour === 'string' && /^\d{1,2}$/.test(query.hour) && Number(query.hour) < 24 ? Number(query.hour) : null;
  return { zone, month, date, hour };
}

/**
 * The time-zone chooser: a text field searchable through its list (UTC first, then every zone
 * with its offset now), a plain GET form without JavaScript; and the 12/24-hour toggle.
 */
export function zoneChooser(t: Translate, zone: string, hidden: Record<string, string>, options: {
  now: Date; hour12: boolean;
  /** Where the visitor is (month, day, hour): the toggle stays there. */
  query?: Record<string, unknown>;
}): Html {
  const choices = zoneChoices(options.now);
  const here = Object.fromEntries(['month', 'date', 'hour'].flatMap((name) => {
    const value = options.query?.[name];
    return typeof value === 'string' && /^[\d-]{1,10}$/.test(value) ? [[name, value]] : [];
  }));
  const toggle = `?${new URLSearchParams({ ...hidden, ...here, tz: zone, clock: options.hour12 ? '24' : '12' })}${here.date ? '#slots' : ''}`;
  return html`<form method="get" class="inline" data-zone-form>
${Object.entries(hidden).filter(([name]) => name !== 'clock').map(([name, value]) => html`<input type="hidden" name="${name}" value="${value}">`)}
<input type="hidden" name="clock" value="${options.hour12 ? '12' : '24'}">
<div class="grow"><label for="tz">${t('timezone')}</label>
<input id="tz" name="tz" list="tz-list" value="${zone}" autocomplete="off" spellcheck="false" aria-describedby="tz-hint">
<span class="hint" id="tz-hint">${t('timezone_hint')} · ${t('utc_offset', { offset: utcOffsetLabel(zone, options.now.getTime()) })}</span>
<datalist id="tz-list">${choices.map((choice) => html`<option value="${choice.zone}">${choice.label}</option>`)}</datalist></div>
<button type="submit" class="secondary">${t('change_timezone')}</button></form>
<p class="clock"><a href="${toggle}" data-clock-toggle>${options.hour12 ? t('clock_24') : t('clock_12')}</a></p>`;
}

function timeButton(slot: DaySlot, zone: string, hour12: boolean): Html {
  const start = DateTime.fromMillis(slot.start, { zone });
  const end = DateTime.fromMillis(slot.end, { zone });
  return html`<li><button type="submit" name="start" value="${start.toISO()}"><span data-start>${clockTime(start, hour12)}</span><span class="end"> – ${clockTime(end, hour12)}</span></button></li>`;
}

/**
 * The month view (days with open slots are links, today marked) and, for a chosen day, its
 * times as buttons of one form, grouped by hour; a dense day lists one hour at a time. Works
 * without JavaScript. The month asks only which days have a slot, so any density renders.
 */
export async function slotPicker(options: {
  db: Kysely<Database>; service: ServiceWithResources; state: PickerState; locale: Locale; t: Translate; now: Date; hour12: boolean;
  /** Query parameters every link keeps (lang, reschedule…). */
  keep: Record<string, string>;
  /** Where a chosen time goes: posted to hold it, or (rescheduling) asked to confirm first. */
  action: string; method?: 'get' | 'post'; hidden: Record<string, string>;
}): Promise<Html> {
  const { state, t, locale, hour12 } = options;
  const first = DateTime.fromISO(`${state.month}-01`, { zone: state.zone }).setLocale(locale);
  const last = first.endOf('month');
  const query = { service: options.service.id, timezone: state.zone, spaces: 1 };
  const { dates } = await datesWithSlots(options.db, options.service.organization_id, {
    ...query, from: first.toISODate()!, to: last.toISODate()!,
  }, options.now);
  const today = todayIn(state.zone, options.now);
  const link = (params: Record<string, string>) => `?${new URLSearchParams({ ...options.keep, tz: state.zone, ...params })}`;

  const weeks: (DateTime | null)[][] = [];
  let week: (DateTime | null)[] = Array(first.weekday - 1).fill(null);
  for (let day = first; day <= last; day = day.plus({ days: 1 })) {
    week.push(day);
    if (week.length === 7) { weeks.push(week); week = []; }
  }
  if (week.length) weeks.push([...week, ...Array(7 - week.length).fill(null)]);
  const weekdays = Array.from({ length: 7 }, (_, index) => first.set({ weekday: (index + 1) as 1 }).toFormat('ccc'));

  const chosen = state.date
    ? (await slotsOfDate(options.db, options.service.organization_id, { ...query, date: state.date }, options.now)).slots
    : [];
  const chosenLabel = state.date ? DateTime.fromISO(state.date, { zone: state.zone }).setLocale(locale).toFormat('cccc d LLLL') : '';
  const month = html`<section aria-labelledby="month-heading"><h2 id="month-heading">${t('choose_day')}</h2>
<div class="nav"><a href="${link({ month: first.minus({ months: 1 }).toFormat('yyyy-MM') })}">← ${t('previous_month')}</a>
<strong>${first.toFormat('LLLL yyyy')}</strong>
<a href="${link({ month: first.plus({ months: 1 }).toFormat('yyyy-MM') })}">${t('next_month')} →</a></div>
<table class="month"><thead><tr>${weekdays.map((name) => html`<th scope="col">${name}</th>`)}</tr></thead><tbody>
${weeks.map((days) => html`<tr>${days.map((day) => {
    if (!day) return html`<td></td>`;
    const date = day.toISODate()!;
    const isToday = date === today;
    const label = `${day.toFormat('cccc d LLLL')}${isToday ? ` (${t('today')})` : ''}`;
    const todayClass = isToday ? new Html(' class="today"') : '';
    return dates.has(date)
      ? html`<td><a href="${link({ month: state.month, date })}#slots" aria-label="${t('day_has_slots', { date: label })}"${todayClass}${date === state.date ? new Html(' aria-current="date"') : ''}>${day.day}</a></td>`
      : html`<td><span${todayClass}>${day.day}${isToday ? html`<span class="sr"> (${t('today')})</span>` : ''}</span></td>`;
  })}</tr>`)}</tbody></table></section>`;
  if (!state.date) return month;

  const byHour = new Map<number, DaySlot[]>();
  for (const slot of chosen) {
    const hour = DateTime.fromMillis(slot.start, { zone: state.zone }).hour;
    byHour.set(hour, [...(byHour.get(hour) ?? []), slot]);
  }
  const paged = chosen.length > TIMES_ON_ONE_PAGE;
  const shownHour = paged ? (state.hour !== null && byHour.has(state.hour) ? state.hour : [...byHour.keys()][0]) : null;
  const hourLabel = (hour: number) => clockTime(DateTime.fromISO(state.date!, { zone: state.zone }).set({ hour }), hour12);
  const groups = [...byHour.entries()].filter(([hour]) => shownHour === null || hour === shownHour);
  const hourNav = paged ? html`<nav aria-label="${t('hours_of_day')}"><ul class="hours">${[...byHour.entries()].map(([hour, slots]) =>
    html`<li><a href="${link({ month: state.month, date: state.date!, hour: String(hour) })}#slots"${hour === shownHour ? new Html(' aria-current="true"') : ''}>${hourLabel(hour)} <span class="count">(${t('times_in_hour', { n: slots.length })})</span></a></li>`)}</ul></nav>` : '';
  const method = options.method ?? 'post';
  return html`${month}<section id="slots" aria-labelledby="slots-heading"><h2 id="slots-heading">${t('slots_of', { date: chosenLabel })}</h2>
${chosen.length === 0 ? html`<p>${t('no_slots')}</p>` : html`${hourNav}<form method="${method}" action="${options.action}">
${Object.entries(options.hidden).map(([name, value]) => html`<input type="hidden" name="${name}" value="${value}">`)}
${groups.map(([hour, slots]) => html`<fieldset class="hour"><legend>${hourLabel(hour)}</legend><ul class="slots">${slots.map((slot) => timeButton(slot, state.zone, hour12))}</ul></fieldset>`)}
</form>`}</section>`;
}
