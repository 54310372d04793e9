import { execFileSync } from 'node:child_process';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..');

/** Which OpenTelemetry SDK modules a process has loaded after requiring the API's and the worker's code. */
function sdkModulesLoaded(env: NodeJS.ProcessEnv): string[] {
  const script = `
    require('./telemetry/tracing-api'); require('./api/app'); require('./temporal/client'); require('./worker/main');
    const loaded = Object.keys(require.cache).filter((file) => /@opentelemetry[\\\\/](sdk-|instrumentation)/.test(file));
    console.log(JSON.stringify([...new Set(loaded.map((file) => file.split(/node_modules[\\\\/]/).pop().split(/[\\\\/]/).slice(0, 2).join('/')))]));
  `;
  const { OTEL_EXPORTER_OTLP_ENDPOINT: _endpoint, OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: _traces, ...rest } = process.env;
  return JSON.parse(execFileSync(process.execPath, ['--import', 'tsx', '-e', script], { cwd: ROOT, env: { ...rest, ...env } }).toString());
}

test('with OTEL_EXPORTER_OTLP_ENDPOINT unset, not one module of the OpenTelemetry SDK is loaded (tracing off costs nothing)', () => {
  expect(sdkModulesLoaded({})).toEqual([]);
}, 60_000);

test('with it set, the SDK and the instrumentations are loaded', () => {
  // Nothing listens there; the process exits before anything is exported.
  expect(sdkModulesLoaded({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:9' })).toEqual(
    expect.arrayContaining(['@opentelemetry/sdk-node', '@opentelemetry/instrumentation-pg', '@opentelemetry/instrumentation-http']),
  );
}, 60_000);
