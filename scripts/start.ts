import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { loadConfig } from '../config';
import { QUEUED_MAIL_MAX_AGE_HOURS } from '../bookings/mail-outbox';
import { createDb, ensureDatabase } from '../db/connection';
import { migrateToLatest } from '../db/migrate';
import { stopOnExit } from './stack/child-process';
import { supervise, superviseServer } from './stack/supervisor';
import { watchDependencies } from './stack/dependency-watch';
import { devApiKeyLine, ensureDevApiKey } from './stack/dev-api-key';
import { ensureManageTokenSecret } from './stack/manage-token-secret';
import { startEmbeddedPostgres } from './stack/postgres';
import { ensureSearchAttributes } from './stack/search-attributes';
import { startTemporalDevServer } from './stack/temporal-server';

/**
 * The local stack: PostgreSQL, migrations, a Temporal dev server, the worker and the API, each
 * replaced by an existing one when its address is configured. `--infra-only` stops after the
 * first three (the test suite starts its own workers and apps) and writes their addresses to
 * STACK_READY_FILE.
 */
async function main() {
  const infraOnly = process.argv.includes('--infra-only');
  const config = loadConfig();
  const stops: Array<() => Promise<void>> = [];
  let stopping = false;
  const stopAll = async (code: number) => {
    if (stopping) return;
    stopping = true;
    for (const stop of stops.reverse()) await stop().catch((error) => console.error(error));
    process.exit(code);
  };
  process.on('SIGINT', () => void stopAll(0));
  process.on('SIGTERM', () => void stopAll(0));

  try {
    let databaseUrl = config.databaseUrl;
    let dataLocation = `${config.dataDir} (PostgreSQL at DATABASE_URL)`;
    if (!databaseUrl) {
      // Started once here; killed or crashed later, the supervisor starts the same cluster again.
      let postgres: Awaited<ReturnType<typeof startEmbeddedPostgres>> | null = null;
      const supervised = await superviseServer('PostgreSQL', async () => {
        if (!postgres) return (postgres = await startEmbeddedPostgres({ dataDir: config.dataDir, port: config.pgPort }));
        return postgres.startAgain();
      });
      stops.push(() => supervised.stop());
      postgres = postgres!;
      dataLocation = postgres.dataLocation;
      databaseUrl = await ensureDatabase(postgres.url, 'bookings');
    }
    const db = createDb(databaseUrl, 2);
    await migrateToLatest(db);

    let temporalAddress = config.temporalAddress;
    let temporalUi: string | null = null;
    if (!temporalAddress) {
      let temporal: Awaited<ReturnType<typeof startTemporalDevServer>> | null = null;
      const supervised = await superviseServer('Temporal dev server', async () => {
        if (!temporal) {
          return (temporal = await startTemporalDevServer({
            cliPath: config.temporalCliPath, dataDir: config.dataDir, port: config.temporalPort,
            uiPort: config.temporalUiPort, namespace: config.temporalNamespace,
          }));
        }
        return temporal.startAgain();
      });
      stops.push(() => supervised.stop());
      temporal = temporal!;
      temporalAddress = temporal.address;
      temporalUi = temporal.uiUrl;
    } else {
      await ensureSearchAttributes(temporalAddress, config.temporalNamespace);
    }

    if (infraOnly) {
      await db.destroy();
      const readyFile = process.env.STACK_READY_FILE;
      const addresses = JSON.stringify({ databaseUrl, temporalAddress, temporalUi });
      console.log(`Data: ${dataLocation}`);
      if (readyFile) fs.writeFileSync(readyFile, addresses);
      console.log(addresses);
      return;
    }

    const devApiKey = await ensureDevApiKey(db, config.dataDir, config.devApiKey);
    const manageTokenSecret = ensureManageTokenSecret(config.dataDir, config.manageTokenSecret);
    await db.destroy();
    const env = {
      ...process.env, DATABASE_URL: databaseUrl, TEMPORAL_ADDRESS: temporalAddress,
      MANAGE_TOKEN_SECRET: manageTokenSecret,
    };
    const root = path.resolve(__dirname, '..');
    const watch = watchDependencies({ databaseUrl, temporalAddress });
    stops.push(async () => watch.stop());
    for (const entry of ['worker/main.ts', 'api/server.ts']) {
      // A crashed worker or API is started again (with backoff); the rest of the stack stays up.
      const supervised = supervise(entry, () => {
        const child = spawnTs(path.join(root, entry), env);
        stopOnExit(child);
        return child;
      });
      stops.push(() => supervised.stop());
    }
    console.log([
      '',
      `  API          http://localhost:${config.port}/v1   (health: /healthz, spec: /openapi.json)`,
      `  API docs     http://localhost:${config.port}/docs`,
      `  Temporal UI  ${temporalUi ?? `(external Temporal at ${temporalAddress})`}`,
      `  Pages        ${config.publicUrl.replace(/\/$/, '')}/book/<service slug>   (PUBLIC_URL; e-mails' manage links point here)`,
      // The SMTP URL may hold a password: only whether e-mail is on is printed.
      `  E-mail       ${config.smtpUrl ? `on, from ${config.mailFrom}` : `off: SMTP_URL unset; e-mails wait in the outbox and go out when the worker starts with it (up to ${QUEUED_MAIL_MAX_AGE_HOURS} h old)`}`,
      `  API key      ${devApiKeyLine(devApiKey)}`,
      `  Data         ${dataLocation}`,
      '',
      '  Ctrl-C stops everything.',
      '',
    ].join('\n'));
  } catch (error) {
    console.error(error);
    await stopAll(1);
  }
}

function spawnTs(file: string, env: NodeJS.ProcessEnv): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', file], { env, stdio: 'inherit' });
}

void main();
