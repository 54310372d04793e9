import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import { createDb } from '../../db/connection';
import { createFloorActivities } from './floor-activities';

/** The floors' worker, a process of its own like the booking worker it is compared with. */
async function main() {
  const db = createDb(process.env.DATABASE_URL!);
  const connection = await NativeConnection.connect({ address: process.env.TEMPORAL_ADDRESS! });
  const clientConnection = await Connection.connect({ address: process.env.TEMPORAL_ADDRESS! });
  const worker = await Worker.create({
    connection, taskQueue: process.env.TEMPORAL_TASK_QUEUE!,
    workflowsPath: require.resolve('./floor-workflows'), activities: createFloorActivities(db, new Client({ connection: clientConnection })),
  });
  console.log('worker polling');
  await worker.run();
  await connection.close();
  await clientConnection.close();
  await db.destroy();
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
