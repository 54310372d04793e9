import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { launchInfraStack, type InfraStack } from '../../scripts/stack/infra-launcher';
import { createBookable, futureSlot } from '../stack/fixtures';
import { startTestStack, type TestStack } from '../stack/test-stack';

/**
 * The launcher supervises the servers it started, as it does the worker and the API: the embedded
 * PostgreSQL and the Temporal dev server, each killed with SIGKILL, are started again by it (same
 * data, same ports), and reservations work again without anyone restarting anything.
 */
let infra: InfraStack;
let stack: TestStack;

beforeAll(async () => {
  infra = await launchInfraStack('launcher-supervision');
  // This file's app and worker run against that launcher's servers, not the suite's shared ones.
  const shared = { database: process.env.TEST_DATABASE_URL, temporal: process.env.TEST_TEMPORAL_ADDRESS };
  process.env.TEST_DATABASE_URL = infra.databaseUrl;
  process.env.TEST_TEMPORAL_ADDRESS = infra.temporalAddress;
  try {
    stack = await startTestStack('launcher_supervision');
  } finally {
    process.env.TEST_DATABASE_URL = shared.database;
    process.env.TEST_TEMPORAL_ADDRESS = shared.temporal;
  }
}, 240_000);
afterAll(async () => {
  await stack?.stop();
  await infra?.stop();
});

/** The pid of the launcher's child running this command (`postgres`, `temporal`). */
function childOfLauncher(command: string): number | null {
  const lines = execFileSync('ps', ['-o', 'pid=,comm=', '--ppid', String(infra.launcherPid)], { encoding: 'utf8' }).trim().split('\n');
  const line = lines.map((entry) => entry.trim().split(/\s+/)).find(([, name]) => name === command);
  return line ? Number(line[0]) : null;
}

const launcherLog = () => fs.readFileSync(path.join(infra.dataDir, 'launcher.log'), 'utf8');

test('PostgreSQL and the Temporal dev server, killed, are restarted by the launcher and reservations succeed again', async () => {
  const { serviceId } = await createBookable(stack);
  let slot = 0;
  const reserveNext = async () => {
    slot += 1;
    const response = await fetch(`${stack.baseUrl}/v1/bookings`, {
      method: 'POST',
      headers: { authorization: `Bearer ${stack.apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ service_id: serviceId, start: futureSlot(slot % 48, 3 + Math.floor(slot / 48)) }),
    }).catch(() => null);
    return response?.status ?? 0;
  };
  /** Reservations until one is held again: the stack has recovered by itself. */
  const recovered = async (timeoutMs: number) => {
    const started = Date.now();
    const seen: number[] = [];
    while (Date.now() - started < timeoutMs) {
      const status = await reserveNext();
      if (status === 201) return seen;
      seen.push(status);
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
    throw new Error(`no reservation held within ${timeoutMs} ms; answers: ${seen.join(', ')}`);
  };
  expect(await reserveNext()).toBe(201);

  const temporal = childOfLauncher('temporal');
  expect(temporal).not.toBeNull();
  process.kill(temporal!, 'SIGKILL');
  await recovered(180_000);
  expect(childOfLauncher('temporal')).not.toBe(temporal);
  expect(launcherLog()).toMatch(/Temporal dev server exited \(SIGKILL\); restarting it in 1 s \(restart 1\)/);

  const postgres = childOfLauncher('postgres');
  expect(postgres).not.toBeNull();
  process.kill(postgres!, 'SIGKILL');
  await recovered(180_000);
  expect(childOfLauncher('postgres')).not.toBe(postgres);
  expect(launcherLog()).toMatch(/PostgreSQL exited \(SIGKILL\); restarting it in 1 s \(restart 1\)/);
  expect(launcherLog()).toMatch(/PostgreSQL is running again/);
}, 480_000);
