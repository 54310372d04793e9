import { checkStart, type ResourceSchedule, type ServiceRules } from '../scheduling';
import { percentile } from './bench/measure';

/**
 * The cost of checking one start, by how far away it is: next year is the floor, and 2100 and
 * 2999 should cost the same order (an anchoring that walks back week by week would take seconds for
 * 2100 and hours for 2999). Pure
 * engine, no stack: `npm run bench:far-dates`.
 */
const DAYS = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'] as const;
const now = Date.now();
const schedules: Record<string, ResourceSchedule> = {
  'open around the clock': {
    id: 'r', timezone: 'Europe/Paris', weekly: Object.fromEntries(DAYS.map((d) => [d, [{ start: '00:00', end: '24:00' }]])),
    overrides: [], validFrom: null, validUntil: null,
  },
  'around the clock but Sunday 12-13': {
    id: 'r', timezone: 'America/New_York',
    weekly: Object.fromEntries(DAYS.map((d) => [d, d === 'sunday' ? [{ start: '00:00', end: '12:00' }, { start: '13:00', end: '24:00' }] : [{ start: '00:00', end: '24:00' }]])),
    overrides: [], validFrom: null, validUntil: null,
  },
  'office hours': {
    id: 'r', timezone: 'Asia/Kolkata', weekly: Object.fromEntries(DAYS.slice(0, 5).map((d) => [d, [{ start: '09:00', end: '17:00' }]])),
    overrides: [], validFrom: null, validUntil: null,
  },
};
const service: ServiceRules = {
  durationsMinutes: [30], slotStepMinutes: 30, bufferBeforeMinutes: 0, bufferAfterMinutes: 0,
  minNoticeMinutes: 0, horizonDays: null, seatsPerSlot: 1,
};

function median(start: number, schedule: ResourceSchedule, runs = 200): number {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    checkStart({ resources: [schedule], service, busy: [], now, start: start + (i % 8) * 30 * 60_000 });
    times.push(performance.now() - t0);
  }
  return percentile(times.sort((a, b) => a - b), 50);
}

const at = (year: number) => Date.UTC(year, 2, 3, 9, 0);
console.log(`${'schedule'.padEnd(36)} ${'next year ms (floor)'.padStart(20)} ${'2100 ms'.padStart(10)} ${'2999 ms'.padStart(10)}`);
for (const [name, schedule] of Object.entries(schedules)) {
  const floor = median(at(new Date(now).getUTCFullYear() + 1), schedule);
  console.log(`${name.padEnd(36)} ${floor.toFixed(3).padStart(20)} ${median(at(2100), schedule).toFixed(3).padStart(10)} ${median(at(2999), schedule).toFixed(3).padStart(10)}`);
}
