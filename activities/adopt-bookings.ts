import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import { activityInfo, heartbeat } from '@temporalio/activity';
import type { Kysely } from 'kysely';
import { bookingWorkflowId } from '../workflows/messages';
import { recordWorkflowsRunning } from '../db/reconciler';
import type { Database } from '../db/schema';
import type { OrphanedBooking } from './find-orphaned-bookings';

const STARTS_IN_FLIGHT = 16;

/**
 * Starts a workflow that adopts each orphaned booking (on the reconciler's own task queue), a
 * few at a time, and records their starts. Returns the ids it started; one that got a workflow
 * meanwhile is skipped.
 */
export async function adoptBookings(db: Kysely<Database>, temporal: Client, orphans: OrphanedBooking[], reason: string): Promise<string[]> {
  const { taskQueue } = activityInfo();
  const started: string[] = [];
  let next = 0;
  const startNext = async (): Promise<void> => {
    while (next < orphans.length) {
      const { booking, organizationId, workflow, label } = orphans[next++];
      try {
        await temporal.workflow.start('bookingWorkflow', {
          workflowId: bookingWorkflowId(booking.id),
          taskQueue,
          args: [{ adopt: { bookingId: booking.id, organizationId, actor: 'reconciler', reason: `its workflow was ${workflow}; ${reason}` } }],
          workflowIdReusePolicy: 'ALLOW_DUPLICATE',
          staticSummary: label.summary,
          staticDetails: label.details,
        });
        started.push(booking.id);
      } catch (error) {
        if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
      }
      heartbeat(next);
    }
  };
  await Promise.all(Array.from({ length: Math.min(STARTS_IN_FLIGHT, orphans.length) }, startNext));
  await recordWorkflowsRunning(db, started);
  return started;
}
