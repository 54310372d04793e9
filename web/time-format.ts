import { DateTime, IANAZone } from 'luxon';
import type { Locale } from './strings';

/** The clock a visitor reads times in: `?clock=` wins, then their browser's language (en-US: 12 h), then the page's locale. */
export function hour12Of(query: Record<string, unknown>, acceptLanguage: string | undefined, locale: Locale): boolean {
  if (query.clock === '12') return true;
  if (query.clock === '24') return false;
  const tag = acceptLanguage?.split(',')[0]?.split(';')[0]?.trim();
  const fallback = locale === 'en' ? 'en-US' : 'fr-FR';
  let language = fallback;
  try {
    if (tag && tag !== '*' && tag.toLowerCase().startsWith(locale)) language = Intl.getCanonicalLocales(tag)[0] ?? fallback;
  } catch {
    language = fallback;
  }
  const cycle = new Intl.DateTimeFormat(language, { hour: 'numeric' }).resolvedOptions().hourCycle;
  return cycle === 'h12' || cycle === 'h11';
}

/** A clock time as the visitor reads it. */
export function clockTime(at: DateTime, hour12: boolean): string {
  return at.toFormat(hour12 ? 'h:mm a' : 'HH:mm');
}

/** A whole moment for sentences: the day, the date and the clock time. */
export function longWhen(at: DateTime, hour12: boolean): string {
  return `${at.toFormat('cccc d LLLL yyyy')}, ${clockTime(at, hour12)}`;
}

/** "UTC+09:00", "UTC−03:30", "UTC" at this instant. */
export function utcOffsetLabel(zone: string, at: number): string {
  const minutes = IANAZone.create(zone).offset(at);
  if (minutes === 0) return 'UTC';
  const sign = minutes > 0 ? '+' : '−';
  const abs = Math.abs(minutes);
  return `UTC${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

export interface ZoneChoice { zone: string; offsetMinutes: number; label: string }

/** UTC first, then every IANA zone the runtime knows, west to east, each with its offset now. */
export function zoneChoices(now: Date): ZoneChoice[] {
  const at = now.getTime();
  const zones: string[] = (Intl as unknown as { supportedValuesOf(kind: string): string[] }).supportedValuesOf('timeZone');
  const rest = zones.filter((zone) => zone !== 'UTC').map((zone) => ({
    zone, offsetMinutes: IANAZone.create(zone).offset(at), label: `(${utcOffsetLabel(zone, at)}) ${zone.replace(/_/g, ' ')}`,
  })).sort((a, b) => a.offsetMinutes - b.offsetMinutes || a.zone.localeCompare(b.zone));
  return [{ zone: 'UTC', offsetMinutes: 0, label: '(UTC) UTC' }, ...rest];
}

/** A zone a browser reports, as the pages name it: Etc/UTC and its aliases are UTC. */
export function pageZone(zone: string): string {
  return /^(Etc\/)?(UTC|UCT|Universal|Zulu|GMT|GMT0|Greenwich)$/.test(zone) ? 'UTC' : zone;
}

export function todayIn(zone: string, now: Date): string {
  return DateTime.fromJSDate(now, { zone }).toISODate()!;
}
