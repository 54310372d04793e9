import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { DateTime } from 'luxon';

/**
 * The README's curl walk-through must work on any day: its dates are computed from today by the
 * shell, never written out (a written date falls behind a service's notice and horizon).
 */
const readme = fs.readFileSync(path.resolve(__dirname, '..', '..', 'README.md'), 'utf8');
const walkthrough = readme.slice(readme.indexOf('## A booking, step by step'), readme.indexOf('A transition that is not allowed answers'));
const withoutComments = walkthrough.replace(/(^|\s)#.*$/gm, '');

test('the walk-through writes no date out', () => {
  expect(walkthrough.length).toBeGreaterThan(1000);
  expect(withoutComments.match(/\b20\d\d-?\d\d-?\d\d/g) ?? []).toEqual([]);
});

test('its date lines give, run today, a Monday at least a week ahead and times at Paris\'s offset that day', () => {
  const dateLines = withoutComments.split('\n').filter((line) => /^[A-Z_0-9]+=\$\(.*\bdate\b/.test(line.trim()));
  expect(dateLines.length).toBeGreaterThanOrEqual(5);
  const script = `${dateLines.join('\n')}\necho "$MONDAY $FRIDAY $SUNDAY $DAY_OFF $AT_10 $AT_18 $TODAY $IN_A_MONTH $UNTIL"`;
  const [monday, friday, sunday, dayOff, at10, at18, today, inAMonth, until] = execFileSync('bash', ['-c', script], { encoding: 'utf8' }).trim().split(' ');
  const first = DateTime.fromISO(monday, { zone: 'Europe/Paris' });
  expect(first.weekday).toBe(1);
  expect(first.diff(DateTime.now().setZone('Europe/Paris').startOf('day'), 'days').days).toBeGreaterThanOrEqual(7);
  expect([friday, sunday, dayOff]).toEqual([first.plus({ days: 4 }), first.plus({ days: 6 }), first.plus({ days: 2 })].map((day) => day.toISODate()));
  expect(at10).toBe(first.set({ hour: 10 }).toISO({ suppressMilliseconds: true }));
  expect(at18).toBe(first.set({ hour: 18 }).toISO({ suppressMilliseconds: true }));
  expect(today).toBe(`${DateTime.utc().toISODate()}T00:00:00Z`);
  expect(inAMonth > at18 && until > monday.replace(/-/g, '')).toBe(true);
});
