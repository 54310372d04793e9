import { sql, type Kysely } from 'kysely';
import type { Database } from '../../db/schema';

export function createFloorActivities(db: Kysely<Database>) {
  return {
    async selectOne(): Promise<string> {
      await sql`select 1`.execute(db);
      return 'ok';
    },
  };
}

export type FloorActivities = ReturnType<typeof createFloorActivities>;
