import fc from 'fast-check';
import { DateTime, Settings } from 'luxon';
import { RRule } from 'rrule';
import { expandRecurrence, MAX_OCCURRENCES } from '../../scheduling';

const local = (starts: number[], zone: string) => starts.map((start) => DateTime.fromMillis(start, { zone }).toISO({ suppressMilliseconds: true }));

describe('expandRecurrence', () => {
  it('keeps the local time in the zone across daylight saving (Paris, spring and autumn)', () => {
    const first = DateTime.fromISO('2026-10-19T18:00', { zone: 'Europe/Paris' }).toMillis();
    const result = expandRecurrence('FREQ=WEEKLY;BYDAY=MO;COUNT=3', first, 'Europe/Paris');
    expect(result.ok && local(result.starts, 'Europe/Paris')).toEqual([
      '2026-10-19T18:00:00+02:00', '2026-10-26T18:00:00+01:00', '2026-11-02T18:00:00+01:00',
    ]);
    const spring = expandRecurrence('FREQ=DAILY;COUNT=3', DateTime.fromISO('2026-03-07T09:30', { zone: 'America/New_York' }).toMillis(), 'America/New_York');
    expect(spring.ok && local(spring.starts, 'America/New_York')).toEqual([
      '2026-03-07T09:30:00-05:00', '2026-03-08T09:30:00-04:00', '2026-03-09T09:30:00-04:00',
    ]);
  });

  it('includes an occurrence that falls on UNTIL, as an instant or as a date', () => {
    const first = Date.parse('2026-12-01T10:00:00Z');
    const instant = expandRecurrence('FREQ=DAILY;UNTIL=20261203T100000Z', first, 'UTC');
    expect(instant.ok && instant.starts).toHaveLength(3);
    const date = expandRecurrence('FREQ=DAILY;UNTIL=20261203', first, 'UTC');
    expect(date.ok && date.starts).toHaveLength(3);
  });

  it('knows the first Monday and the last Friday of a month', () => {
    const first = DateTime.fromISO('2027-01-29T17:00', { zone: 'Europe/Berlin' }).toMillis();
    const result = expandRecurrence('FREQ=MONTHLY;BYDAY=-1FR;COUNT=3', first, 'Europe/Berlin');
    expect(result.ok && local(result.starts, 'Europe/Berlin')).toEqual([
      '2027-01-29T17:00:00+01:00', '2027-02-26T17:00:00+01:00', '2027-03-26T17:00:00+01:00',
    ]);
  });

  // Refusals are cheap by construction (the walk is bounded by MAX_RECURRENCE_YEARS of days), so the
  // test asserts the verdict only; a wall-clock bound would measure the machine's load, not the code.
  it('refuses by name what is unbounded, impossible, too long, malformed or not supported', () => {
    const first = Date.parse('2026-12-07T10:00:00Z'); // a Monday
    const refusals: [string, RegExp][] = [
      ['FREQ=WEEKLY', /UNTIL or COUNT/],
      [`FREQ=DAILY;COUNT=${MAX_OCCURRENCES + 1}`, /outside/],
      ['FREQ=DAILY;UNTIL=20400101', /more than 10 years/],
      ['FREQ=YEARLY;COUNT=12', /more than 10 years/],
      ['EVERY DAY', /NAME=VALUE/],
      ['FREQ=DAILY;INTERVAL=0;COUNT=2', /INTERVAL/],
      ['FREQ=MINUTELY;COUNT=2', /FREQ=MINUTELY/],
      ['FREQ=DAILY;BYHOUR=25;COUNT=2', /BYHOUR is not supported/],
      ['FREQ=WEEKLY;BYMONTHDAY=7;COUNT=2', /not allowed with FREQ=WEEKLY/],
      ['FREQ=WEEKLY;BYDAY=TU;COUNT=2', /start must be an occurrence/],
      ['FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30;COUNT=3', /start must be an occurrence/],
      ['FREQ=MONTHLY;BYMONTHDAY=7;BYMONTH=2;BYDAY=MO;COUNT=50', /more than 10 years|start must/],
    ];
    for (const [rule, message] of refusals) {
      const result = expandRecurrence(rule, first, 'UTC');
      expect(result).toMatchObject({ ok: false, message: expect.stringMatching(message) });
    }
  });

  it('agrees with rrule.js (the reference) on every rule it accepts whose start is an occurrence', () => {
    const weekdays = ['MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU'];
    const rules = fc.record({
      freq: fc.constantFrom('DAILY', 'WEEKLY', 'MONTHLY', 'YEARLY'),
      interval: fc.integer({ min: 1, max: 3 }),
      count: fc.integer({ min: 1, max: 25 }),
      byDay: fc.option(fc.uniqueArray(fc.constantFrom(...weekdays), { minLength: 1, maxLength: 3 }), { nil: undefined }),
      byMonthDay: fc.option(fc.uniqueArray(fc.constantFrom(1, 2, 15, 28, -1), { minLength: 1, maxLength: 2 }), { nil: undefined }),
      byMonth: fc.option(fc.uniqueArray(fc.integer({ min: 1, max: 12 }), { minLength: 1, maxLength: 4 }), { nil: undefined }),
      dayOffset: fc.integer({ min: 0, max: 730 }),
    });
    fc.assert(fc.property(rules, ({ dayOffset, ...parts }) => {
      fc.pre(!(parts.freq === 'WEEKLY' && parts.byMonthDay));
      // A weekday that must also be a given day of the month matches so rarely that rrule.js, the
      // reference, searches for years; the two filters are compared apart, each with BYMONTH.
      fc.pre(!(parts.byDay && parts.byMonthDay));
      // Likewise an INTERVAL that may never land in the named months (rrule.js then runs to year 9999).
      fc.pre(!(parts.byMonth && parts.interval > 1 && parts.freq !== 'YEARLY'));
      const text = [`FREQ=${parts.freq}`, `INTERVAL=${parts.interval}`, `COUNT=${parts.count}`,
        parts.byDay && `BYDAY=${parts.byDay.join(',')}`, parts.byMonthDay && `BYMONTHDAY=${parts.byMonthDay.join(',')}`,
        parts.byMonth && `BYMONTH=${parts.byMonth.join(',')}`].filter(Boolean).join(';');
      // The same ten-year window as ours, so a rule running past it is cut the same way.
      const expand = (from: number) => new RRule({ ...RRule.parseString(text), dtstart: new Date(from) })
        .between(new Date(from), DateTime.fromMillis(from, { zone: 'UTC' }).plus({ years: 10 }).toJSDate(), true)
        .map((date) => date.getTime());
      // Start on the rule's first day on or after a random date, so that most runs compare lists.
      const start = expand(Date.UTC(2026, 0, 1, 9, 30) + dayOffset * 86_400_000)[0];
      fc.pre(start !== undefined);
      const reference = expand(start);
      const ours = expandRecurrence(text, start, 'UTC');
      if (reference[0] !== start) {
        expect(ours.ok).toBe(false);
      } else if (ours.ok) {
        expect(ours.starts).toEqual(reference);
      } else {
        // Refused only for reaching past ten years, which the reference, cut the same way, shows too.
        expect(ours.message).toMatch(/10 years/);
        expect(reference.length).toBeLessThan(parts.count);
      }
    }), { numRuns: 300 });
  });
});

describe('expandRecurrence at a repeated or skipped wall time', () => {
  const zone = 'America/New_York';
  const realNow = Settings.now;
  afterEach(() => { Settings.now = realNow; });

  it('takes the first 01:30 of the night clocks go back (RFC 5545), whatever the date it is asked on', () => {
    const first = Date.parse('2027-11-05T01:30:00-04:00');
    const answers = ['2027-07-15T12:00:00Z', '2027-11-07T06:30:00Z', '2027-12-01T12:00:00Z'].map((now) => {
      // Luxon reads the clock through Settings.now: the expansion must not.
      Settings.now = () => Date.parse(now);
      const result = expandRecurrence('FREQ=DAILY;COUNT=4', first, zone);
      return result.ok && local(result.starts, zone);
    });
    expect(answers[0]).toEqual([
      '2027-11-05T01:30:00-04:00', '2027-11-06T01:30:00-04:00', '2027-11-07T01:30:00-04:00', '2027-11-08T01:30:00-05:00',
    ]);
    expect(answers[1]).toEqual(answers[0]);
    expect(answers[2]).toEqual(answers[0]);
  });

  it('takes the second occurrence only when the series itself starts at a second occurrence', () => {
    const first = Date.parse('2027-11-07T01:30:00-05:00');
    const result = expandRecurrence('FREQ=YEARLY;BYMONTH=11;BYDAY=1SU;COUNT=2', first, zone);
    expect(result.ok && local(result.starts, zone)).toEqual(['2027-11-07T01:30:00-05:00', '2028-11-05T01:30:00-05:00']);
    const firstOnes = expandRecurrence('FREQ=YEARLY;BYMONTH=11;BYDAY=1SU;COUNT=2', Date.parse('2027-11-07T01:30:00-04:00'), zone);
    expect(firstOnes.ok && local(firstOnes.starts, zone)).toEqual(['2027-11-07T01:30:00-04:00', '2028-11-05T01:30:00-04:00']);
  });

  it('moves a skipped wall time forward by the gap, the same in any season', () => {
    const first = Date.parse('2027-03-13T02:30:00-05:00');
    for (const now of ['2027-01-15T12:00:00Z', '2027-07-15T12:00:00Z']) {
      Settings.now = () => Date.parse(now);
      const result = expandRecurrence('FREQ=DAILY;COUNT=3', first, zone);
      expect(result.ok && local(result.starts, zone)).toEqual([
        '2027-03-13T02:30:00-05:00', '2027-03-14T03:30:00-04:00', '2027-03-15T02:30:00-04:00',
      ]);
    }
  });

  it('handles Lord Howe\'s half-hour change the same way', () => {
    // Clocks go back from +11:00 to +10:30 at 02:00 local on 2027-04-04: 01:30-02:00 happens twice.
    const lordHowe = 'Australia/Lord_Howe';
    const result = expandRecurrence('FREQ=DAILY;COUNT=3', Date.parse('2027-04-03T01:45:00+11:00'), lordHowe);
    expect(result.ok && local(result.starts, lordHowe)).toEqual([
      '2027-04-03T01:45:00+11:00', '2027-04-04T01:45:00+11:00', '2027-04-05T01:45:00+10:30',
    ]);
  });
});
