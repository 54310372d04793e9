import type { Client } from '@temporalio/client';
import { activityInfo } from '@temporalio/activity';
import { sql, type Kysely } from 'kysely';
import type { Database } from '../../db/schema';

/** The floors' activities: a database round trip, and (with a client) a delivery workflow's start. */
export function createFloorActivities(db: Kysely<Database>, temporal: Client | null = null) {
  return {
    async selectOne(): Promise<string> {
      await sql`select 1`.execute(db);
      return 'ok';
    },
    /** The confirmation's write, then its delivery workflow started from the activity, as a booking's transition does. */
    async writeAndHandOver(deliveryId: string): Promise<string> {
      await sql`select 1`.execute(db);
      if (!temporal) throw new Error('the booking-shaped floor needs a Temporal client');
      await temporal.workflow.start('floorDeliveryWorkflow', { workflowId: deliveryId, taskQueue: activityInfo().taskQueue });
      return 'ok';
    },
  };
}

export type FloorActivities = ReturnType<typeof createFloorActivities>;
