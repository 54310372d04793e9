export interface WaitingBooking {
  id: string;
  spaces: number;
}

/**
 * Which waiting bookings a number of free seats goes to. The queue is walked oldest first and
 * every booking whose spaces fit into what is still free is promoted; one that does not fit keeps
 * its place at the front and is looked at again on the next freeing. So a booking for 3 seats
 * waiting before one for 1 seat does not block it when a single seat frees, and it is promoted as
 * soon as 3 seats are free at once, before anyone behind it.
 */
export function choosePromotions(queue: WaitingBooking[], seatsFree: number): WaitingBooking[] {
  const promoted: WaitingBooking[] = [];
  let free = seatsFree;
  for (const booking of queue) {
    if (free <= 0) break;
    if (booking.spaces <= free) {
      promoted.push(booking);
      free -= booking.spaces;
    }
  }
  return promoted;
}
