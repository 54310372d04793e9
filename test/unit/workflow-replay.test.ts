import fs from 'node:fs';
import path from 'node:path';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { DefaultLogger, Runtime, Worker } from '@temporalio/worker';
import { PAYLOAD_CONVERTER_PATH } from '../../personal-data/data-converter';

beforeAll(() => Runtime.install({ logger: new DefaultLogger('WARN') }));

/**
 * Replays every history recorded in a fixture folder against the current workflow code, with the
 * payload converter every worker uses (histories recorded before payloads carried sealed personal
 * fields hold plain JSON, which must still decode); answers the failures.
 */
async function replayFailures(folder: string, atLeast: number): Promise<string[]> {
  const dir = path.resolve(__dirname, '..', 'fixtures', folder);
  const files = fs.readdirSync(dir).filter((file) => file.endsWith('.json'));
  expect(files.length).toBeGreaterThanOrEqual(atLeast);
  const histories = files.map((file) => ({
    workflowId: path.basename(file, '.json'),
    history: historyFromJSON(JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8'))),
  }));
  const failures: string[] = [];
  for await (const result of Worker.runReplayHistories({
    workflowsPath: require.resolve('../../workflows'),
    dataConverter: { payloadConverterPath: PAYLOAD_CONVERTER_PATH },
  }, histories)) {
    if (result.error) failures.push(`${result.workflowId}: ${String(result.error)}`);
  }
  return failures;
}

/**
 * Bookings started by the version before sessions, rescheduling and callbacks (commit 0bef8ac)
 * may still be running when this version deploys: their recorded histories (a reminder sent and a
 * no-show, an expiry, a cancellation, a decline, each with its webhook deliveries) must replay
 * against the current workflow code without a non-determinism error.
 */
test('histories recorded by the previous version replay against the current workflows', async () => {
  expect(await replayFailures('histories-before-sessions', 4)).toEqual([]);
}, 60_000);

/**
 * Bookings started by the version whose workflow announced its e-mails and webhooks as child
 * workflows (commit 91a1dab) replay too: its transitions' recorded results carry no `handedOver`,
 * so the workflow starts the same children, and the `check-in-window` patch marker it recorded is
 * matched by the workflow's `patched()` call, which stays for it. The history (hold → details →
 * confirm → completed, then open in its check-in window) was recorded by that version's
 * reservation-cost test.
 */
test('histories recorded while transitions announced their events as children replay against the current workflows', async () => {
  expect(await replayFailures('histories-before-handover', 1)).toEqual([]);
}, 60_000);

/**
 * A delivery started without a plan in its input, as every delivery was before plans (an event's
 * e-mails, calendar write-back and webhook targets decided when it is written) and as events
 * written before them still are: the `booking-mails` and `calendar-write-back` markers and its
 * `listEventSubscriptions` must be met by the same commands. Recorded through the planless path,
 * which is the delivery code of the release before plans, unchanged (a booking.confirmed with one
 * subscription and the customer's e-mail).
 */
test('a delivery history without a plan replays against the current workflows', async () => {
  expect(await replayFailures('histories-before-plans', 1)).toEqual([]);
}, 60_000);

/**
 * A calendar connection's sync runs for as long as the connection exists, so every deployed
 * version meets runs started by the one before. These histories were recorded against Radicale by
 * scripts/record-calendar-sync-history.ts: a first (whole) sync, a sync on the poll timer after an
 * edit, a manual sync (the `syncNow` Update), a PATCH's `connectionChanged` signal, then
 * continueAsNew when Temporal suggested it; and the next run, which ends when the connection is
 * deleted (these two by the version before the `sync-before-continue-as-new` patch, commit
 * 339b529's parent); and a manual sync that arrived when the run was due to continue as new,
 * synced first under that patch's marker.
 */
test('calendar sync histories replay against the current workflows', async () => {
  expect(await replayFailures('histories-calendar-sync', 3)).toEqual([]);
}, 60_000);
