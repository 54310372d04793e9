import fc from 'fast-check';
import { isoFormatterInZone, isoInZone } from '../../scheduling';

const ZONES = ['UTC', 'Europe/Paris', 'America/New_York', 'Asia/Kolkata', 'Australia/Lord_Howe', 'Asia/Kathmandu',
  'America/St_Johns', 'Pacific/Chatham', 'America/Sao_Paulo', 'Africa/Casablanca', 'Pacific/Apia'];
const YEAR_2000 = Date.UTC(2000, 0, 1);
const YEAR_2100 = Date.UTC(2100, 0, 1);

describe('isoFormatterInZone', () => {
  it('formats every instant exactly as isoInZone does, inside its window and out of it', () => {
    fc.assert(fc.property(
      fc.constantFrom(...ZONES),
      fc.integer({ min: YEAR_2000, max: YEAR_2100 }),
      fc.integer({ min: 0, max: 62 * 86_400 }),
      fc.array(fc.integer({ min: -3 * 86_400, max: 66 * 86_400 }), { minLength: 1, maxLength: 20 }),
      fc.boolean(),
      (zone, windowStart, windowSeconds, offsetsSeconds, subSecond) => {
        const format = isoFormatterInZone(zone, windowStart, windowStart + windowSeconds * 1000);
        for (const seconds of offsetsSeconds) {
          const ms = Math.floor(windowStart / 1000) * 1000 + seconds * 1000 + (subSecond ? 123 : 0);
          expect(format(ms)).toBe(isoInZone(ms, zone));
        }
      },
    ), { numRuns: 300 });
  });

  it('around a daylight-saving change the offset follows the instant', () => {
    const spring = Date.parse('2026-03-29T01:00:00Z');
    const format = isoFormatterInZone('Europe/Paris', spring - 86_400_000, spring + 86_400_000);
    expect(format(spring - 1000)).toBe('2026-03-29T01:59:59+01:00');
    expect(format(spring)).toBe('2026-03-29T03:00:00+02:00');
  });
});
