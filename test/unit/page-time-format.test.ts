import { DateTime } from 'luxon';
import { googleCalendarLink, outlookCalendarLink } from '../../web/calendar-links';
import { clockTime, hour12Of, pageZone, utcOffsetLabel, zoneChoices } from '../../web/time-format';

describe('the pages read time as the visitor does', () => {
  test('12-hour for en-US, 24-hour for en-GB and French; ?clock= wins', () => {
    expect(hour12Of({}, 'en-US,en;q=0.9', 'en')).toBe(true);
    expect(hour12Of({}, 'en-GB,en;q=0.9', 'en')).toBe(false);
    expect(hour12Of({}, 'fr-FR', 'fr')).toBe(false);
    expect(hour12Of({}, undefined, 'fr')).toBe(false);
    expect(hour12Of({ clock: '24' }, 'en-US', 'en')).toBe(false);
    expect(hour12Of({ clock: '12' }, 'fr-FR', 'fr')).toBe(true);
    expect(hour12Of({}, 'not a tag!!', 'en')).toBe(true);
    const at = DateTime.fromISO('2027-01-04T15:05:00', { zone: 'UTC' });
    expect(clockTime(at, true)).toBe('3:05 PM');
    expect(clockTime(at, false)).toBe('15:05');
  });

  test('UTC comes first, zones run west to east with their offset, and UTC aliases are UTC', () => {
    const now = new Date('2027-01-04T12:00:00Z');
    const choices = zoneChoices(now);
    expect(choices[0]).toEqual({ zone: 'UTC', offsetMinutes: 0, label: '(UTC) UTC' });
    expect(choices.find((choice) => choice.zone === 'Asia/Tokyo')?.label).toBe('(UTC+09:00) Asia/Tokyo');
    expect(choices.find((choice) => choice.zone === 'America/St_Johns')?.label).toBe('(UTC−03:30) America/St Johns');
    const offsets = choices.slice(1).map((choice) => choice.offsetMinutes);
    expect(offsets).toEqual([...offsets].sort((a, b) => a - b));
    expect(utcOffsetLabel('Europe/Paris', Date.parse('2027-07-01T00:00:00Z'))).toBe('UTC+02:00');
    for (const alias of ['UTC', 'Etc/UTC', 'Etc/GMT', 'GMT', 'Etc/Universal', 'Zulu']) expect(pageZone(alias)).toBe('UTC');
    expect(pageZone('Europe/Paris')).toBe('Europe/Paris');
  });

  test('calendar links carry the event in UTC', () => {
    const event = { title: 'Consultation', start: new Date('2027-01-04T08:00:00Z'), end: new Date('2027-01-04T08:30:00Z'), details: 'https://x/manage/t', location: 'Paris' };
    const google = new URL(googleCalendarLink(event));
    expect(google.searchParams.get('dates')).toBe('20270104T080000Z/20270104T083000Z');
    expect(google.searchParams.get('text')).toBe('Consultation');
    const outlook = new URL(outlookCalendarLink(event));
    expect(outlook.searchParams.get('startdt')).toBe('2027-01-04T08:00:00.000Z');
    expect(outlook.searchParams.get('location')).toBe('Paris');
  });
});
