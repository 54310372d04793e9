import type { LocalActivityOptions } from '@temporalio/workflow';

// Local activities: each is one short database transaction, run by the worker inside the workflow
// task instead of a round trip through the server's activity queue, which roughly halves the
// latency a caller waits for. They are idempotent, so a retry on another worker is harmless.

/**
 * Placing holds: a caller is waiting, so a hold that cannot be placed in this time is answered as
 * unavailable rather than left hanging; an attempt past its deadline commits nothing.
 */
export const HOLD_OPTIONS: LocalActivityOptions = {
  scheduleToCloseTimeout: '30 seconds',
  startToCloseTimeout: '10 seconds',
  retry: { initialInterval: '200 ms', maximumInterval: '5 seconds' },
};

/** Writes that must eventually happen (an expiry frees capacity, a cancel reaches its bookings): retried without end. */
export const WRITE_OPTIONS: LocalActivityOptions = {
  startToCloseTimeout: '10 seconds',
  retry: { initialInterval: '200 ms', maximumInterval: '30 seconds' },
};
