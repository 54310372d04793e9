/**
 * Latency of the pure availability engine: listSlots over realistic shapes, and the naive
 * minute-by-minute reference on a smaller input of the same shape for a sense of scale.
 * Run: npm run bench:availability-engine
 */
import { performance } from 'node:perf_hooks';
import {
  type BusyInterval,
  type ListSlotsInput,
  type ResourceSchedule,
  type ServiceRules,
  listSlots,
  localDateRange,
} from '../scheduling';
import { referenceSlots } from '../test/unit/reference-availability';

const MINUTE = 60_000;
const DAY = 86_400_000;
const WARMUP = 5;
const RUNS = 30;

/** Deterministic pseudo-random numbers (mulberry32), so every run measures the same input. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const zones = ['Europe/Paris', 'Europe/Paris', 'America/New_York', 'Asia/Kolkata'];
const workday = [
  { start: '09:00', end: '12:00' },
  { start: '13:00', end: '18:00' },
];

function resources(count: number): ResourceSchedule[] {
  return Array.from({ length: count }, (_, i) => ({
    id: `resource-${i}`,
    timezone: zones[i % zones.length],
    weekly: {
      monday: workday,
      tuesday: workday,
      wednesday: workday,
      thursday: workday,
      friday: [{ start: '08:00', end: '16:00' }],
      saturday: [{ start: '10:00', end: '14:00' }],
    },
    overrides: [{ date: '2026-04-06', intervals: [] }],
    validFrom: null,
    validUntil: null,
  }));
}

const service: ServiceRules = {
  durationsMinutes: [30, 60],
  slotStepMinutes: 15,
  bufferBeforeMinutes: 5,
  bufferAfterMinutes: 10,
  minNoticeMinutes: 60,
  horizonDays: null,
  seatsPerSlot: 1,
};

function busyOver(list: ResourceSchedule[], from: number, days: number, count: number): BusyInterval[] {
  const next = random(42);
  return Array.from({ length: count }, () => {
    const start = from + Math.floor(next() * days * 96) * 15 * MINUTE;
    return {
      resourceId: list[Math.floor(next() * list.length)].id,
      start: start - 5 * MINUTE,
      end: start + (30 + Math.floor(next() * 3) * 30 + 10) * MINUTE,
    };
  });
}

function scenario(resourceCount: number, days: number, busyCount: number, mode: 'one' | 'all'): ListSlotsInput {
  const list = resources(resourceCount);
  const from = '2026-03-16';
  const to = new Date(Date.parse(`${from}T00:00:00Z`) + (days - 1) * DAY).toISOString().slice(0, 10);
  const range = localDateRange(from, to, 'Europe/Paris');
  return {
    resources: list,
    mode,
    service,
    busy: busyOver(list, range.rangeStart, days, busyCount),
    ...range,
    now: range.rangeStart - DAY,
  };
}

function measure(run: () => unknown, runs = RUNS): { p50: number; p99: number; result: unknown } {
  let result: unknown;
  for (let i = 0; i < WARMUP; i++) result = run();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    result = run();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  const pick = (q: number) => times[Math.min(times.length - 1, Math.ceil(q * times.length) - 1)];
  return { p50: pick(0.5), p99: pick(0.99), result };
}

const fmt = (ms: number) => ms.toFixed(2).padStart(9);

function report(name: string, input: ListSlotsInput): void {
  const { p50, p99, result } = measure(() => listSlots(input));
  console.log(`${name.padEnd(52)} p50 ${fmt(p50)} ms  p99 ${fmt(p99)} ms  slots ${(result as unknown[]).length}`);
}

console.log(`listSlots, ${RUNS} runs after ${WARMUP} warm-up runs`);
report('1 resource x 60 days, 200 bookings', scenario(1, 60, 200, 'one'));
report('50 resources x 60 days mode=one, 10,000 bookings', scenario(50, 60, 10_000, 'one'));
report('50 resources x 60 days mode=all, 10,000 bookings', scenario(50, 60, 10_000, 'all'));

// The reference takes seconds on the full shape; 5 resources x 3 days keeps it to a few runs.
const small = scenario(5, 3, 25, 'one');
const engine = measure(() => listSlots(small));
const reference = measure(() => referenceSlots(small), 5);
const same = JSON.stringify(engine.result) === JSON.stringify(reference.result);
console.log(`\nreference vs engine, 5 resources x 3 days mode=one, 25 bookings (same slots: ${same})`);
console.log(`${'engine'.padEnd(52)} p50 ${fmt(engine.p50)} ms  p99 ${fmt(engine.p99)} ms`);
console.log(`${'minute-by-minute reference'.padEnd(52)} p50 ${fmt(reference.p50)} ms  p99 ${fmt(reference.p99)} ms`);
console.log(`reference / engine at p50: ${(reference.p50 / engine.p50).toFixed(0)}x`);
