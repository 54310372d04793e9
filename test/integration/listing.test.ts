import { createBookable, createResource, futureSlot, reserve } from '../stack/fixtures';
import { call, type ApiResponse } from '../stack/http';
import { startTestStack, type TestStack } from '../stack/test-stack';

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack('listing');
});
afterAll(() => stack?.stop());

/** Follows next_cursor to the end; every row exactly once, in order. */
async function allPages(path: string, limit: number): Promise<{ ids: string[]; pages: number }> {
  const ids: string[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const separator = path.includes('?') ? '&' : '?';
    const page: ApiResponse = await call(stack.baseUrl, 'GET', `${path}${separator}limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`, { token: stack.apiKey });
    expect(page.status).toBe(200);
    ids.push(...page.body.data.map((row: { id: string }) => row.id));
    cursor = page.body.next_cursor;
    pages += 1;
  } while (cursor && pages < 20);
  return { ids, pages };
}

test('resources page by cursor without repeating or skipping a row', async () => {
  const created = [];
  for (let index = 0; index < 5; index += 1) created.push(await createResource(stack, { name: `Room ${index}` }));
  const { ids } = await allPages('/v1/resources', 2);
  expect(ids).toEqual(created);
});

test('bookings page by start, filtered by status and time', async () => {
  const { serviceId } = await createBookable(stack);
  const booked = [];
  for (const slot of [4, 1, 3, 2]) booked.push({ slot, id: (await reserve(stack, { service_id: serviceId, start: futureSlot(slot) })).body.id });
  const { ids } = await allPages('/v1/bookings?status=held', 3);
  expect(ids).toEqual([...booked].sort((a, b) => a.slot - b.slot).map((booking) => booking.id));
  const window = await call(stack.baseUrl, 'GET',
    `/v1/bookings?from=${encodeURIComponent(futureSlot(2))}&to=${encodeURIComponent(futureSlot(4))}`, { token: stack.apiKey });
  expect(window.body.data.map((row: { start: string }) => row.start)).toHaveLength(2);
});
