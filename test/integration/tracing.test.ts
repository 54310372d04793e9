import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { createDb, ensureDatabase } from '../../db/connection';
import { migrateToLatest } from '../../db/migrate';
import { addApiKey, createOrganization, generateApiKey } from '../../db/organizations';
import { freePort } from '../../scripts/stack/infra-launcher';
import { createBookable, futureSlot } from '../stack/fixtures';
import { call, waitFor } from '../stack/http';
import type { TestStack } from '../stack/test-stack';

const ROOT = path.resolve(__dirname, '..', '..');

interface ReceivedSpan {
  service: string;
  traceId: string;
  spanId: string;
  parentSpanId: string;
  name: string;
  kind: number;
  attributes: Record<string, unknown>;
}

/**
 * A collector's OTLP/HTTP endpoint (JSON protocol), keeping every span it is sent: what an operator's
 * Jaeger, Tempo or OpenTelemetry Collector would receive.
 */
async function startOtlpReceiver(): Promise<{ url: string; spans: ReceivedSpan[]; close(): Promise<void> }> {
  const spans: ReceivedSpan[] = [];
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      if (request.url === '/v1/traces') {
        const raw = Buffer.concat(chunks);
        const body = JSON.parse((request.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw).toString('utf8'));
        for (const resourceSpans of body.resourceSpans ?? []) {
          const service = attributesOf(resourceSpans.resource?.attributes)['service.name'] as string;
          for (const scopeSpans of resourceSpans.scopeSpans ?? []) {
            for (const span of scopeSpans.spans ?? []) {
              spans.push({
                service, traceId: span.traceId, spanId: span.spanId, parentSpanId: span.parentSpanId ?? '', name: span.name,
                kind: span.kind, attributes: attributesOf(span.attributes),
              });
            }
          }
        }
      }
      response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    spans,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

function attributesOf(list: Array<{ key: string; value: Record<string, unknown> }> = []): Record<string, unknown> {
  return Object.fromEntries(list.map(({ key, value }) => [key, Object.values(value)[0]]));
}

/** The entry point as `npm start` runs it (tsx), with its output kept for a failure's message. */
function startEntry(entry: string, env: NodeJS.ProcessEnv): { child: ChildProcess; output: () => string } {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, entry)], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (chunk) => { output += chunk; });
  child.stderr!.on('data', (chunk) => { output += chunk; });
  return { child, output: () => output };
}

let receiver: Awaited<ReturnType<typeof startOtlpReceiver>>;
const processes: Array<ReturnType<typeof startEntry>> = [];
let stack: Pick<TestStack, 'baseUrl' | 'apiKey'>;

beforeAll(async () => {
  receiver = await startOtlpReceiver();
  const databaseUrl = await ensureDatabase(process.env.TEST_DATABASE_URL!, `test_tracing_${randomBytes(4).toString('hex')}`);
  const db = createDb(databaseUrl, 2);
  await migrateToLatest(db);
  const apiKey = generateApiKey();
  await addApiKey(db, await createOrganization(db, 'Traced Clinic'), apiKey, 'test');
  await db.destroy();

  const port = await freePort();
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH, HOME: process.env.HOME,
    DATABASE_URL: databaseUrl, TEMPORAL_ADDRESS: process.env.TEST_TEMPORAL_ADDRESS, PORT: String(port),
    TEMPORAL_TASK_QUEUE: `test-tracing-${randomBytes(4).toString('hex')}`, MANAGE_TOKEN_SECRET: randomBytes(32).toString('hex'),
    LOG_LEVEL: 'warn', LOG_FORMAT: 'json',
    OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
    // Export within a fraction of a second rather than the default 5 s.
    OTEL_BSP_SCHEDULE_DELAY: '100',
  };
  processes.push(startEntry('worker/main.ts', env), startEntry('api/server.ts', env));
  stack = { baseUrl: `http://127.0.0.1:${port}`, apiKey };
  // Ready once the API reaches PostgreSQL and Temporal and the worker (which bundles its workflows at start) polls.
  await waitFor(
    () => fetch(`${stack.baseUrl}/readyz`).then((response) => response.status, () => 0),
    (status) => {
      const exited = processes.find(({ child }) => child.exitCode !== null);
      if (exited) throw new Error(`exited before it was ready:\n${exited.output()}`);
      return status === 200;
    },
    150_000,
  );
}, 180_000);

afterAll(async () => {
  await Promise.all(processes.map(({ child }) => new Promise((resolve) => {
    if (child.exitCode !== null) return resolve(null);
    child.once('exit', resolve);
    child.kill('SIGTERM');
  })));
  await receiver?.close();
});

/** The spans of one trace, and the chain of names from one of them up to the root. */
function ancestry(trace: ReceivedSpan[], span: ReceivedSpan): string[] {
  const byId = new Map(trace.map((candidate) => [candidate.spanId, candidate]));
  const names: string[] = [];
  for (let current: ReceivedSpan | undefined = span; current; current = byId.get(current.parentSpanId)) names.push(current.name);
  return names;
}

test('with OTEL_EXPORTER_OTLP_ENDPOINT set, one trace runs from the HTTP request through Temporal, the workflow and the activity to its SQL', async () => {
  const { serviceId } = await createBookable(stack as TestStack);
  const reserved = await call(stack.baseUrl, 'POST', '/v1/bookings', { token: stack.apiKey, body: { service_id: serviceId, start: futureSlot(5) } });
  expect(reserved.status).toBe(201);
  const details = await call(stack.baseUrl, 'POST', `/v1/bookings/${reserved.body.id}/details`, {
    token: stack.apiKey, body: { name: 'Ada Lovelace', email: 'ada@example.com' },
  });
  expect(details.status).toBe(200);

  const isServerSpanOf = (route: RegExp) => (span: ReceivedSpan) =>
    span.kind === 2 && span.service === 'booking-api' && route.test(String(span.attributes['http.target'] ?? span.attributes['url.path'] ?? ''));

  // The reservation: the API's request and its workflow start (the hold is placed before it, and the
  // answer does not wait for the workflow; its RunWorkflow span is exported when the booking ends).
  const reserveTrace = await waitFor(async () => {
    const server = receiver.spans.find(isServerSpanOf(/^\/v1\/bookings$/));
    return server ? receiver.spans.filter((span) => span.traceId === server.traceId) : [];
  }, (trace) => trace.some((span) => span.name === 'StartWorkflow:bookingWorkflow'));
  const startSpan = reserveTrace.find((span) => span.name === 'StartWorkflow:bookingWorkflow')!;
  expect(startSpan.service).toBe('booking-api');
  const reserveChain = ancestry(reserveTrace, startSpan);
  // The root is the HTTP server's span, named by the route's template.
  expect(reserveChain.at(-1)).toBe('POST /v1/bookings');

  // The details: the request, the Update, the workflow's handler, the activity, and the activity's SQL,
  // each the child of the one before.
  const detailsPath = new RegExp(`^/v1/bookings/${reserved.body.id}/details`);
  const detailsTrace = await waitFor(async () => {
    const server = receiver.spans.find(isServerSpanOf(detailsPath));
    return server ? receiver.spans.filter((span) => span.traceId === server.traceId) : [];
  }, (trace) => trace.some((span) => span.attributes['db.system'] === 'postgresql' && ancestry(trace, span).some((name) => name.startsWith('RunActivity:'))));
  const query = detailsTrace.find((span) => span.attributes['db.system'] === 'postgresql' && ancestry(detailsTrace, span).some((name) => name.startsWith('RunActivity:')))!;
  expect(query.service).toBe('booking-worker');
  const chain = ancestry(detailsTrace, query);
  const order = [/^RunActivity:recordTransition$/, /^StartActivity:recordTransition$/, /^HandleUpdate:submitDetails$/, /^StartWorkflowUpdate:submitDetails$/, /^POST \/v1\/bookings\/:id\/details$/].map((pattern) => chain.findIndex((name) => pattern.test(name)));
  expect({ chain, order }).toEqual({ chain, order: [...order].sort((a, b) => a - b) });
  expect(order.every((index) => index > 0)).toBe(true);
}, 90_000);
