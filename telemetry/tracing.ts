/**
 * OpenTelemetry tracing, on when OTEL_EXPORTER_OTLP_ENDPOINT (or its traces-only variant) is set.
 * Off, nothing of the OpenTelemetry SDK is even loaded: this module only imports types, and
 * telemetry/otel-sdk.ts is required the moment tracing is started.
 */
import type { Tracing } from './tracing-handle';

export type { Tracing };

/** Whether this process's environment turns tracing on. */
export function tracingEnabled(env: NodeJS.ProcessEnv = process.env): boolean {
  return Boolean(env.OTEL_EXPORTER_OTLP_ENDPOINT || env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) && env.OTEL_SDK_DISABLED !== 'true';
}

let active: Tracing | null = null;

/**
 * Starts the SDK with the http, express and pg instrumentations. It must run before those modules
 * are first required (they are patched as they load), hence the entry points' first import,
 * telemetry/tracing-api.ts or telemetry/tracing-worker.ts.
 */
export function startTracing(serviceName: string, env: NodeJS.ProcessEnv = process.env): Tracing | null {
  if (active || !tracingEnabled(env)) return active;
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded only when tracing is on
  const { startOpenTelemetry } = require('./otel-sdk') as typeof import('./otel-sdk');
  active = startOpenTelemetry(env.OTEL_SERVICE_NAME || serviceName, env);
  return active;
}

/** The process's tracing, or null when it is off. */
export function currentTracing(): Tracing | null {
  return active;
}
