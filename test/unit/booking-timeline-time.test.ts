import { localTime } from '../../workflows/booking-timeline';

describe('localTime (the progress line\'s instants)', () => {
  it('formats each instant in its own zone when zones alternate (one kept formatter per zone)', () => {
    const instant = '2026-12-07T09:00:00.000Z';
    const expected = [
      ['Europe/Paris', 'Mon 7 Dec 2026 10:00'],
      ['America/New_York', 'Mon 7 Dec 2026 04:00'],
      ['UTC', 'Mon 7 Dec 2026 09:00'],
      ['Asia/Tokyo', 'Mon 7 Dec 2026 18:00'],
    ];
    for (let round = 0; round < 3; round++) {
      for (const [zone, text] of expected) expect(localTime(instant, zone)).toBe(text);
    }
    expect(localTime('2026-12-07T23:30:00.000Z', 'Europe/Paris')).toBe('Tue 8 Dec 2026 00:30');
  });
});
