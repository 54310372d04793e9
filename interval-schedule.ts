import { ScheduleAlreadyRunning, ScheduleOverlapPolicy, type Client, type Workflow } from '@temporalio/client';

export interface IntervalSchedule {
  scheduleId: string;
  workflowType: Workflow;
  workflowId: string;
  taskQueue: string;
  intervalSeconds: number;
  /** The Schedules page's summary of each run. */
  summary: string;
  /** What the Schedule is for, on its page. */
  note: string;
}

/**
 * A workflow run every `intervalSeconds` by a Temporal Schedule (visible on the UI's Schedules
 * page): created on the worker's first start, its interval brought up to date on every later one.
 * Overlapping runs are skipped, so a slow run is never doubled.
 */
export async function ensureIntervalSchedule(client: Client, schedule: IntervalSchedule): Promise<void> {
  const spec = { intervals: [{ every: `${schedule.intervalSeconds}s` }] };
  try {
    await client.schedule.create({
      scheduleId: schedule.scheduleId,
      spec,
      action: {
        type: 'startWorkflow',
        workflowType: schedule.workflowType,
        workflowId: schedule.workflowId,
        taskQueue: schedule.taskQueue,
        args: [{}],
        staticSummary: schedule.summary,
      },
      policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1 minute' },
      state: { note: schedule.note },
    });
  } catch (error) {
    if (!(error instanceof ScheduleAlreadyRunning)) throw error;
    await client.schedule.getHandle(schedule.scheduleId).update((previous) => ({ ...previous, spec }));
  }
}
