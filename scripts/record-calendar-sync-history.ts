/**
 * Records the replay fixtures of the calendar sync workflow (test/fixtures/histories-calendar-sync):
 * real histories of `calendar-sync-<id>` against a real Radicale, so a later change to the workflow
 * that running syncs could not replay fails test/unit/workflow-replay.test.ts.
 *
 * The first run holds a connection's first (whole) sync, a sync on the poll timer after an edit on
 * the server (incremental, by sync token), a manual sync (the `syncNow` Update of POST .../sync),
 * a PATCH's `connectionChanged` signal and its sync, and ends in continueAsNew; the second run
 * syncs, waits, and ends when the connection is deleted. A third history (another connection) has
 * a manual sync arrive just when its run is due to continue as new: the sync is run first (the
 * `sync-before-continue-as-new` patch), then the run continues as new. Temporal suggests continueAsNew after
 * thousands of events, which takes a connection days of polling; this script runs its own dev
 * server told to suggest it after SUGGEST_AFTER_EVENTS, which is the same suggestion, sooner.
 *
 * Run: npx tsx scripts/record-calendar-sync-history.ts   (about two minutes; writes the three files)
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import { historyToJSON } from '@temporalio/common/lib/proto-utils';
import { DefaultLogger, NativeConnection, Runtime } from '@temporalio/worker';
import { DateTime } from 'luxon';
import { createApp } from '../api/app';
import { createDb, ensureDatabase } from '../db/connection';
import { migrateToLatest } from '../db/migrate';
import { addApiKey, createOrganization, generateApiKey } from '../db/organizations';
import { bookingClient } from '../temporal/client';
import { createBookingWorker } from '../worker/main';
import { calendarSyncWorkflowId } from '../workflows/messages';
import { waitUntil } from './bench/wait-until';
import { stopChild, stopOnExit } from './stack/child-process';
import { freePort, launchInfraStack } from './stack/infra-launcher';
import { startRadicale } from './stack/radicale';
import { resolveTemporalCli } from './stack/temporal-cli';

const OUT_DIR = path.resolve(__dirname, '..', 'test', 'fixtures', 'histories-calendar-sync');
/** Long enough for the first run to hold every step above, short enough to end it soon after. */
const SUGGEST_AFTER_EVENTS = 60;
const POLL_SECONDS = 15;
const until = <T>(probe: () => Promise<T>, done: (value: T) => boolean, timeoutMs: number, what: string) => waitUntil(probe, done, timeoutMs, what, 100);

async function main() {
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const cli = resolveTemporalCli(process.env.TEMPORAL_CLI_PATH ?? null);
  if (!cli) throw new Error('no temporal CLI: run npm start once, or set TEMPORAL_CLI_PATH');
  const infra = await launchInfraStack('record-history');
  const radicale = await startRadicale();
  const temporalPort = await freePort();
  const temporalServer = spawn(cli, ['server', 'start-dev', '--ip', '127.0.0.1', '--port', String(temporalPort), '--headless',
    '--log-level', 'warn', '--dynamic-config-value', `limit.historyCount.suggestContinueAsNew=${SUGGEST_AFTER_EVENTS}`], { stdio: 'ignore' });
  stopOnExit(temporalServer);
  const temporalAddress = `127.0.0.1:${temporalPort}`;
  const cleanups: (() => Promise<unknown>)[] = [() => stopChild(temporalServer), () => radicale.stop(), () => infra.stop()];
  try {
    const databaseUrl = await ensureDatabase(infra.databaseUrl, 'record_history');
    const db = createDb(databaseUrl, 10);
    cleanups.unshift(() => db.destroy());
    await migrateToLatest(db);
    const connection = await until(() => Connection.connect({ address: temporalAddress }).catch(() => null), Boolean, 60_000, 'the dev server');
    cleanups.unshift(() => connection!.close());
    const temporal = bookingClient(connection!, 'default', db);
    const taskQueue = 'record-calendar-sync';
    const outbound = { allowedHosts: ['127.0.0.1'], allowHttp: true };
    const workerConnection = await NativeConnection.connect({ address: temporalAddress });
    const worker = await createBookingWorker({ db, connection: workerConnection, namespace: 'default', taskQueue, temporal, outbound });
    const running = worker.run();
    cleanups.unshift(async () => {
      worker.shutdown();
      await running;
      await workerConnection.close();
    });
    const server = createApp({ db, temporal, taskQueue, manageTokenSecret: 'record', outbound }).listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    cleanups.unshift(async () => server.close());
    const baseUrl = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    const organizationId = await createOrganization(db, 'record');
    const apiKey = generateApiKey();
    await addApiKey(db, organizationId, apiKey, 'record');

    const api = async (method: string, route: string, body?: unknown) => {
      const response = await fetch(`${baseUrl}${route}`, {
        method, headers: { authorization: `Bearer ${apiKey}`, ...(body !== undefined && { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await response.text();
      if (response.status >= 300) throw new Error(`${method} ${route}: ${response.status} ${text}`);
      return text ? JSON.parse(text) : null;
    };
    const authorization = `Basic ${Buffer.from(`${radicale.username}:${radicale.password}`).toString('base64')}`;
    const calendarUrl = new URL(`/${radicale.username}/work/`, radicale.url).toString();
    const day = DateTime.utc().plus({ days: 2 }).startOf('day');
    const putEvent = async (uid: string, hour: number) => {
      const stamp = (instant: DateTime) => instant.toFormat("yyyyMMdd'T'HHmmss'Z'");
      const ics = ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//record//EN', 'BEGIN:VEVENT', `UID:${uid}`, 'DTSTAMP:20260101T000000Z',
        `DTSTART:${stamp(day.set({ hour }))}`, `DTEND:${stamp(day.set({ hour: hour + 1 }))}`, 'SUMMARY:Busy', 'END:VEVENT', 'END:VCALENDAR', ''].join('\r\n');
      const response = await fetch(`${calendarUrl}${uid}.ics`, { method: 'PUT', body: ics, headers: { authorization, 'content-type': 'text/calendar' } });
      if (response.status >= 300) throw new Error(`PUT ${uid}: ${response.status}`);
    };
    const mkcalendar = await fetch(calendarUrl, { method: 'MKCALENDAR', headers: { authorization } });
    if (mkcalendar.status >= 300) throw new Error(`MKCALENDAR: ${mkcalendar.status}`);
    await putEvent('standup', 9);

    const resource = await api('POST', '/v1/resources', { name: 'Room 1', timezone: 'UTC', weekly_schedule: { monday: [{ start: '09:00', end: '17:00' }] } });
    const created = await api('POST', `/v1/resources/${resource.id}/calendars`, {
      type: 'caldav', url: calendarUrl, username: radicale.username, password: radicale.password, blocks: true, poll_interval_seconds: POLL_SECONDS,
    });
    const route = `/v1/resources/${resource.id}/calendars/${created.id}`;
    const handle = temporal.workflow.getHandle(calendarSyncWorkflowId(created.id));
    const firstRunId = (await handle.describe()).runId;
    const synced = () => db.selectFrom('calendar_connections').select('last_synced_at').where('id', '=', created.id).executeTakeFirstOrThrow();
    const first = await until(synced, (row) => row.last_synced_at !== null, 60_000, 'the first sync');
    console.log('first sync done');

    // An edit on the server, seen by the sync on the poll timer.
    await putEvent('review', 14);
    await until(synced, (row) => row.last_synced_at!.getTime() > first.last_synced_at!.getTime(), (POLL_SECONDS + 30) * 1000, 'the timer\'s sync');
    console.log('timer sync done');
    // Another edit, seen at once by a manual sync (the Update).
    await putEvent('lunch', 12);
    await api('POST', `${route}/sync`);
    console.log('manual sync done');
    // A changed setting (the signal), and its sync; then syncs until Temporal suggests a new run.
    await api('PATCH', route, { include_tentative: false });
    const ran = await until(async () => (await handle.describe()).runId, (runId) => runId !== firstRunId, 120_000, 'continueAsNew');
    await until(() => temporal.workflow.getHandle(calendarSyncWorkflowId(created.id), ran).fetchHistory(),
      (history) => (history.events ?? []).some((event) => event.activityTaskCompletedEventAttributes), 60_000, 'the second run\'s sync');
    console.log('continued as new');
    await api('DELETE', route);
    await handle.result();
    console.log('deleted: the second run ended');

    // A manual sync that arrives when the run is due to continue as new: signals (PATCH) bring the
    // history to just under the suggestion, so that the Update's own workflow task carries it.
    const second = await api('POST', `/v1/resources/${resource.id}/calendars`, {
      type: 'caldav', url: calendarUrl, username: radicale.username, password: radicale.password, blocks: true, poll_interval_seconds: POLL_SECONDS,
    });
    const secondRoute = `/v1/resources/${resource.id}/calendars/${second.id}`;
    const secondHandle = temporal.workflow.getHandle(calendarSyncWorkflowId(second.id));
    const secondRunId = (await secondHandle.describe()).runId;
    const syncsDone = async () => (await secondHandle.fetchHistory()).events?.filter((event) => event.activityTaskCompletedEventAttributes).length ?? 0;
    await until(syncsDone, (count) => count >= 1, 60_000, 'the second connection\'s first sync');
    for (let include = false; (await secondHandle.describe()).historyLength + 3 <= SUGGEST_AFTER_EVENTS; include = !include) {
      const before = await syncsDone();
      await api('PATCH', secondRoute, { include_tentative: include });
      await until(syncsDone, (count) => count > before, 60_000, 'a signalled sync');
    }
    await api('POST', `${secondRoute}/sync`);
    console.log('manual sync answered although the run was due to continue as new');
    const secondRan = await until(async () => (await secondHandle.describe()).runId, (runId) => runId !== secondRunId, 120_000, 'continueAsNew after the manual sync');
    await api('DELETE', secondRoute);
    await secondHandle.result();

    fs.mkdirSync(OUT_DIR, { recursive: true });
    const runs = [
      ['first-sync-timer-update-signal-continue-as-new', created.id, firstRunId], ['continued-then-deleted', created.id, ran],
      ['update-when-due-to-continue-as-new', second.id, secondRunId],
    ] as const;
    console.log(`(the second connection's next run, ${secondRan}, is not kept)`);
    for (const [name, connectionId, runId] of runs) {
      const history = await temporal.workflow.getHandle(calendarSyncWorkflowId(connectionId), runId).fetchHistory();
      fs.writeFileSync(path.join(OUT_DIR, `${name}.json`), `${JSON.stringify(JSON.parse(historyToJSON(history)), null, 2)}\n`);
      console.log(`${name}: ${history.events?.length} events`);
    }
  } finally {
    for (const cleanup of cleanups) await cleanup().catch((error) => console.error(error));
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
