import { randomUUID } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import { listApiKeys } from '../../db/api-keys';
import { listBookings } from '../../db/bookings';
import { planOf, scansOf, type PlanNode } from '../../db/query-plan';
import { listResources } from '../../db/resources';
import type { Database } from '../../db/schema';
import { listServices } from '../../db/services';
import { listSessions } from '../../db/sessions';
import { listDeliveries, listSubscriptions } from '../../db/webhooks';
import { startTestStack, type TestStack } from '../stack/test-stack';

// Every list the API pages by cursor: its index must take the cursor as its condition, so the
// scan starts at the cursor and a deep page reads what the first does. A cursor test written as a
// filter (an OR of comparisons, or columns the index does not lead with) reads and throws away every
// row before the cursor, which is what made deep booking pages grow with depth.
//
// The planner's choice between this index and a sort of the whole table depends on the table's
// size, so plain scans and sorts are switched off here: what is held is that the index *can* take
// the cursor as its condition. `npm run bench:scale` prints the plan PostgreSQL picks at 20k rows.

let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack('list-plans', { worker: false });
});
afterAll(() => stack?.stop());

const at = new Date('2030-01-01T10:00:00.000Z');
const id = randomUUID();

async function scanOf(table: string, run: (db: Kysely<Database>) => Promise<unknown>): Promise<PlanNode> {
  const plan = await stack.db.transaction().execute(async (trx) => {
    await sql`SET LOCAL enable_seqscan = off`.execute(trx);
    await sql`SET LOCAL enable_bitmapscan = off`.execute(trx);
    await sql`SET LOCAL enable_sort = off`.execute(trx);
    return planOf(trx, run);
  });
  const scan = scansOf(plan).find((node) => node['Relation Name'] === table);
  if (!scan) throw new Error(`no scan of ${table} in ${JSON.stringify(plan)}`);
  return scan;
}

test.each([
  ['bookings', 'bookings_org_start_idx', (db: Kysely<Database>) => listBookings(db, { organizationId: stack.organizationId, limit: 50, after: { startAt: at, id } })],
  ['webhook_deliveries', 'webhook_deliveries_subscription_idx', (db: Kysely<Database>) => listDeliveries(db, randomUUID(), 50, { createdAt: at, id })],
  ['api_keys', 'api_keys_organization_idx', (db: Kysely<Database>) => listApiKeys(db, stack.organizationId, 50, { createdAt: at, id })],
])('%s: the cursor is a row-value index condition on %s, with no filter', async (table, index, run) => {
  const scan = await scanOf(table, run);
  expect(scan['Node Type']).toMatch(/^Index (Only )?Scan/);
  expect(scan['Index Name']).toBe(index);
  expect(scan['Index Cond']).toMatch(/organization_id|subscription_id/);
  expect(scan['Index Cond']).toMatch(/ROW\((start_at|created_at), id\) [<>]/);
  expect(scan.Filter).toBeUndefined();
});

// Their timestamps carry microseconds where the cursor carries milliseconds: the index starts at
// the cursor's millisecond (its condition), and only the rows of that one millisecond are compared
// again, truncated, as a filter.
test.each([
  ['sessions', 'sessions_org_start_idx', 'start_at', (db: Kysely<Database>) => listSessions(db, { organizationId: stack.organizationId, limit: 50, after: { startAt: at, id } })],
  ['resources', 'resources_org_idx', 'created_at', (db: Kysely<Database>) => listResources(db, stack.organizationId, 50, { createdAt: at, id })],
  ['services', 'services_org_idx', 'created_at', (db: Kysely<Database>) => listServices(db, stack.organizationId, 50, { createdAt: at, id })],
  ['webhook_subscriptions', 'webhook_subscriptions_org_idx', 'created_at', (db: Kysely<Database>) => listSubscriptions(db, stack.organizationId, 50, { createdAt: at, id })],
])('%s: the index %s starts at the cursor; only its own millisecond is filtered', async (table, index, column, run) => {
  const scan = await scanOf(table, run);
  expect(scan['Node Type']).toMatch(/^Index (Only )?Scan/);
  expect(scan['Index Name']).toBe(index);
  expect(scan['Index Cond']).toMatch(new RegExp(`organization_id = .*AND \\(${column} >= `));
  expect(scan.Filter ?? '').not.toMatch(/organization_id|OR/);
  expect(scan.Filter).toMatch(/date_trunc/);
});
