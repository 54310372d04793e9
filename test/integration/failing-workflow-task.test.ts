import { createBookable, futureSlot, reserve } from '../stack/fixtures';
import { waitFor } from '../stack/http';
import { startTestStack, type TestStack } from '../stack/test-stack';

/**
 * A booking whose workflow task keeps failing (here: its workflow id runs a type no worker knows,
 * so every task fails) is a Temporal-side failure: a change of it is 503 with Retry-After, the
 * problem saying to retry, never a 500.
 */

let stack: TestStack;
let serviceId: string;
beforeAll(async () => {
  stack = await startTestStack('failing_workflow_task');
  ({ serviceId } = await createBookable(stack));
});
afterAll(() => stack?.stop());

test('a change of a booking whose workflow task keeps failing is 503 with Retry-After, not 500', async () => {
  const held = await reserve(stack, { service_id: serviceId, start: futureSlot(4) });
  expect(held.status).toBe(201);
  const workflowId = held.body.workflow_id as string;
  const broken = await stack.temporal.workflow.start('noSuchBookingWorkflow', {
    workflowId, taskQueue: stack.taskQueue, args: [], workflowIdConflictPolicy: 'TERMINATE_EXISTING',
  });
  // The worker has taken the run's first task and failed it.
  await waitFor(async () => (await broken.fetchHistory()).events ?? [], (events) => events.some((event) => event.workflowTaskFailedEventAttributes), 30_000);

  const answer = await fetch(`${stack.baseUrl}/v1/bookings/${held.body.id}/details`, {
    method: 'POST', headers: { authorization: `Bearer ${stack.apiKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'Ada', email: 'ada@example.com' }),
  });
  const body = await answer.json();
  expect(answer.status).toBe(503);
  expect(answer.headers.get('content-type')).toContain('application/problem+json');
  expect(Number(answer.headers.get('retry-after'))).toBeGreaterThan(0);
  expect(body).toMatchObject({ status: 503, code: 'unavailable', detail: expect.stringMatching(/workflow task is failing/) });
  await broken.terminate('test over');
}, 120_000);
