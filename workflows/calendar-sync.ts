import {
  allHandlersFinished, condition, continueAsNew, patched, proxyActivities, setCurrentDetails, setHandler, workflowInfo,
} from '@temporalio/workflow';
import type { BookingActivities } from '../activities';
import {
  calendarConnectionChangedSignal, calendarSyncNowUpdate, type CalendarSyncInput, type CalendarSyncOutcome,
} from './messages';

/** The activity answers failures of the server as an outcome; these retries are for our own (database) hiccups. */
const { syncCalendarConnection } = proxyActivities<BookingActivities>({
  startToCloseTimeout: '5 minutes',
  retry: { initialInterval: '5 seconds', maximumInterval: '1 minute', maximumAttempts: 5 },
});

/** A failing server is asked again after the poll interval doubled per failure, at most this long. */
const MAX_BACKOFF_MS = 60 * 60 * 1000;
/** Refused credentials do not come right by themselves: looked at again hourly, or at once after a PATCH or a manual sync. */
const AUTH_FAILED_WAIT_MS = 60 * 60 * 1000;
/** Syncs per run before continueAsNew, so the history stays short whatever the connection's age. */
const SYNCS_PER_RUN = 200;

function waitAfter(outcome: CalendarSyncOutcome, failures: number): number {
  const interval = outcome.pollIntervalSeconds * 1000;
  if (outcome.state === 'auth_failed') return AUTH_FAILED_WAIT_MS;
  if (outcome.state === 'failing') return Math.min(interval * 2 ** Math.min(failures, 10), MAX_BACKOFF_MS);
  return interval;
}

/**
 * One connection's sync, for as long as the connection exists (`calendar-sync-<id>`): a sync, then
 * a durable timer of the poll interval (longer after failures), or at once when asked (the
 * `syncNow` Update of POST .../sync, or the `connectionChanged` signal of PATCH and DELETE). Its
 * current details say the resource and server, the last sync, the next one and the last error.
 * Credentials never pass through here: the activity reads and unseals them itself.
 */
export async function calendarSyncWorkflow(input: CalendarSyncInput): Promise<void> {
  let failures = input.failures ?? 0;
  let wanted = true;
  let completed = 0;
  let syncing = false;
  let last: CalendarSyncOutcome | null = null;

  setHandler(calendarConnectionChangedSignal, () => {
    wanted = true;
  });
  setHandler(calendarSyncNowUpdate, async () => {
    // A sync already under way may have read the server before the change the caller wants seen.
    const after = completed + (syncing ? 1 : 0);
    wanted = true;
    await condition(() => completed > after);
    return last!;
  });

  for (let syncs = 0; ; syncs++) {
    const due = syncs >= SYNCS_PER_RUN || workflowInfo().continueAsNewSuggested;
    // A manual sync waits for a sync of this run: it gets it before the run hands over, else the
    // run would wait for that handler, and the handler for a sync, for ever.
    if (due && (allHandlersFinished() || !patched('sync-before-continue-as-new'))) {
      await condition(allHandlersFinished);
      return continueAsNew<typeof calendarSyncWorkflow>({ connectionId: input.connectionId, failures });
    }
    wanted = false;
    syncing = true;
    const outcome = await syncCalendarConnection({ connectionId: input.connectionId });
    syncing = false;
    last = outcome;
    completed++;
    if (outcome.gone) {
      setCurrentDetails('connection deleted: its busy time is gone and this sync has ended');
      await condition(allHandlersFinished);
      return;
    }
    failures = outcome.state === 'ok' ? 0 : failures + 1;
    const waitMs = waitAfter(outcome, failures);
    const next = new Date(Date.now() + waitMs);
    setCurrentDetails([
      `**${outcome.label}**`,
      `state: ${outcome.state}${outcome.conflicts ? ` · ${outcome.conflicts} new conflict(s) with bookings` : ''}`,
      `last sync: ${outcome.lastSyncedAt ?? 'never'} · busy intervals: ${outcome.busyIntervals}`,
      `next run: ${next.toISOString()}${failures ? ` (backing off after ${failures} failure(s))` : ''}`,
      ...(outcome.lastError ? [`last error: ${outcome.lastError}`] : []),
    ].join('\n\n'));
    await condition(() => wanted, waitMs);
  }
}
