import { createTemporalClient } from '../client';
import { loadConfig } from '../config';
import { createDb } from '../db/connection';
import { createApp } from './app';

async function main() {
  const config = loadConfig();
  if (!config.databaseUrl || !config.temporalAddress || !config.manageTokenSecret) {
    throw new Error('the API needs DATABASE_URL, TEMPORAL_ADDRESS and MANAGE_TOKEN_SECRET (npm start sets them)');
  }
  const db = createDb(config.databaseUrl);
  const temporal = await createTemporalClient({ address: config.temporalAddress, namespace: config.temporalNamespace });
  const app = createApp({
    db, temporal, taskQueue: config.taskQueue, manageTokenSecret: config.manageTokenSecret,
    outbound: { allowedHosts: config.webhookAllowedHosts, allowHttp: config.webhookAllowHttp },
  });
  const server = app.listen(config.port, () => console.log(`API listening on :${config.port}`));
  const stop = () => server.close(() => {
    void Promise.all([db.destroy(), temporal.connection.close()]).then(() => process.exit(0));
  });
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
