import { Context } from '@temporalio/activity';

/** Margin between our last check and the moment the workflow gives up on the attempt. */
const COMMIT_MARGIN_MS = 1000;

/**
 * The moment after which an attempt's result is no longer awaited: its start-to-close or the
 * activity's schedule-to-close, whichever comes first. A hold that committed after it would be
 * orphaned (the workflow has already answered "rejected" and released what it found), so the
 * hold's transaction checks this just before committing. Null outside an activity (tests, scripts).
 */
export function attemptDeadline(): Date | null {
  let info;
  try {
    info = Context.current().info;
  } catch {
    return null;
  }
  const ends = [
    info.startToCloseTimeoutMs > 0 ? info.currentAttemptScheduledTimestampMs + info.startToCloseTimeoutMs : Infinity,
    info.scheduleToCloseTimeoutMs > 0 ? info.scheduledTimestampMs + info.scheduleToCloseTimeoutMs : Infinity,
  ];
  const end = Math.min(...ends);
  return Number.isFinite(end) ? new Date(end - COMMIT_MARGIN_MS) : null;
}
