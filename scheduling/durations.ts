/**
 * The one rule for a booking's length: a service offers a list of durations, the first is its
 * default, and no other length is bookable. The engine (a slot search, a start's check) and the
 * API's checks of a reservation, a reschedule and an availability query all ask here.
 */
export function offeredDuration(offered: readonly number[], asked: number | null | undefined): number | null {
  const minutes = asked ?? offered[0];
  if (minutes === undefined || !offered.includes(minutes)) return null;
  if (!Number.isInteger(minutes) || minutes <= 0) return null;
  return minutes;
}

/** Why a length is refused, in the words the API answers with (the caller names the field). */
export function durationRefusal(offered: readonly number[], asked: number | null | undefined): string {
  return `the service offers durations of ${offered.join(', ')} minutes, not ${asked ?? offered[0]}`;
}
