import { condition, defineUpdate, proxyLocalActivities, setHandler, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import { BookingStatusKey } from '../../workflows/search-attributes';
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

// The least a confirmed booking can cost in Temporal, as this service's design has it: the
// reservation's Update-with-Start answered by the first task; the details' Update, which writes the
// confirmation (a local activity, one database round trip), hands the event over (the activity
// starts the delivery workflow) and shows the status to operators (one search-attribute upsert);
// and the delivery, whose two sends (e-mail, webhook) are first
// attempts in the worker (local activities). No rules, no mail, no HTTP: only the engine's part.
export const confirmUpdate = defineUpdate<string>('confirm');
const { writeAndHandOver } = proxyLocalActivities<FloorActivities>({ startToCloseTimeout: '10 seconds' });

export async function bookingShapedFloorWorkflow(): Promise<void> {
  setHandler(answerUpdate, () => 'ok');
  setHandler(confirmUpdate, async () => {
    const answer = await writeAndHandOver(`${workflowInfo().workflowId}-delivery`);
    upsertSearchAttributes([{ key: BookingStatusKey, value: 'confirmed' }]);
    return answer;
  });
  // Stays open like a confirmed booking (its timer until the end).
  await condition(() => false, '1 hour');
}

export async function floorDeliveryWorkflow(): Promise<void> {
  await Promise.all([selectOne(), selectOne()]);
}
