import { condition, defineUpdate, proxyLocalActivities, setHandler } from '@temporalio/workflow';
import type { FloorActivities } from './floor-activities';

// The least a reservation can cost in Temporal: Update-with-Start answered by the first workflow
// task (trivial), or after one local activity (the database's `select 1`), as the booking's hold is.
export const answerUpdate = defineUpdate<string>('answer');

const { selectOne } = proxyLocalActivities<FloorActivities>({ startToCloseTimeout: '10 seconds' });

export async function trivialFloorWorkflow(): Promise<void> {
  setHandler(answerUpdate, () => 'ok');
  // Stays open like a booking's hold (its timer), so both pay for one.
  await condition(() => false, '1 hour');
}

export async function localActivityFloorWorkflow(): Promise<void> {
  let answer: string | null = null;
  setHandler(answerUpdate, async () => {
    await condition(() => answer !== null);
    return answer!;
  });
  answer = await selectOne();
  // Stays open like a booking's hold (its timer), so both pay for one.
  await condition(() => false, '1 hour');
}
