import fc from 'fast-check';
import { choosePromotions, type WaitingBooking } from '../../scheduling';

const queueOf = (...spaces: number[]): WaitingBooking[] => spaces.map((n, index) => ({ id: `w${index}`, spaces: n }));
const ids = (bookings: WaitingBooking[]) => bookings.map((booking) => booking.id);

describe('choosePromotions', () => {
  it('gives seats oldest first', () => {
    expect(ids(choosePromotions(queueOf(1, 1, 1), 2))).toEqual(['w0', 'w1']);
  });

  it('passes over a booking that does not fit, which keeps its place for the next freeing', () => {
    expect(ids(choosePromotions(queueOf(3, 1, 2), 2))).toEqual(['w1']);
    expect(ids(choosePromotions(queueOf(3, 2), 3))).toEqual(['w0']);
  });

  it('promotes nobody without free seats', () => {
    expect(choosePromotions(queueOf(1), 0)).toEqual([]);
  });

  it('never gives more than is free, keeps queue order, and leaves no waiting booking that would still fit', () => {
    const waiting = fc.array(fc.integer({ min: 1, max: 6 }), { maxLength: 30 });
    fc.assert(fc.property(waiting, fc.integer({ min: 0, max: 20 }), (spaces, free) => {
      const queue = queueOf(...spaces);
      const promoted = choosePromotions(queue, free);
      const given = promoted.reduce((total, booking) => total + booking.spaces, 0);
      expect(given).toBeLessThanOrEqual(free);
      const positions = promoted.map((booking) => queue.indexOf(booking));
      expect(positions).toEqual([...positions].sort((a, b) => a - b));
      // Walking the queue again, each passed-over booking was too big for what was left at its turn.
      let left = free;
      for (const booking of queue) {
        if (promoted.includes(booking)) left -= booking.spaces;
        else expect(booking.spaces).toBeGreaterThan(left);
      }
    }));
  });
});
