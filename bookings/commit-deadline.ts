// The hold's transaction checks the deadline its caller gives it (an activity's attempt deadline,
// see activities/attempt-timeout.ts; none for the API) just before committing.

/** Throws, rolling the transaction back, if the attempt is past its deadline. */
export function rollBackIfLate(deadline: Date | null, now = Date.now()): void {
  if (deadline && now > deadline.getTime()) {
    throw new Error(`attempt passed its deadline (${deadline.toISOString()}); rolled back so that nothing is left without its workflow`);
  }
}
