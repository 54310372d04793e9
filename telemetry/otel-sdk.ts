import { NodeSDK } from '@opentelemetry/sdk-node';
import { Resource } from '@opentelemetry/resources';
import { BatchSpanProcessor, type SpanExporter } from '@opentelemetry/sdk-trace-base';
import { OTLPTraceExporter as OtlpHttpJsonExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as OtlpHttpProtobufExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { OTLPTraceExporter as OtlpGrpcExporter } from '@opentelemetry/exporter-trace-otlp-grpc';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { ExpressInstrumentation } from '@opentelemetry/instrumentation-express';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import {
  makeWorkflowExporter, OpenTelemetryActivityInboundInterceptor, OpenTelemetryActivityOutboundInterceptor, OpenTelemetryWorkflowClientInterceptor,
} from '@temporalio/interceptors-opentelemetry';
import type { Tracing } from './tracing-handle';

/** Probes and scrapes run every few seconds; a trace of each would bury the bookings'. */
const UNTRACED_PATHS = new Set(['/healthz', '/readyz', '/metrics']);

/** OTEL_EXPORTER_OTLP_(TRACES_)PROTOCOL as the specification names it; http/protobuf by default. */
function otlpExporter(env: NodeJS.ProcessEnv): SpanExporter {
  const protocol = env.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL || env.OTEL_EXPORTER_OTLP_PROTOCOL || 'http/protobuf';
  if (protocol === 'http/json') return new OtlpHttpJsonExporter();
  if (protocol === 'grpc') return new OtlpGrpcExporter();
  return new OtlpHttpProtobufExporter();
}

/**
 * The OpenTelemetry SDK of one process: the incoming HTTP request (and its Express route), the
 * Temporal client's calls, the workflow (its spans leave the sandbox through a sink), the activity
 * and the SQL it runs are one trace, linked through the Temporal headers.
 */
export function startOpenTelemetry(serviceName: string, env: NodeJS.ProcessEnv): Tracing {
  const resource = Resource.default().merge(new Resource({ 'service.name': serviceName }));
  const spanProcessor = new BatchSpanProcessor(otlpExporter(env));
  const sdk = new NodeSDK({
    resource,
    spanProcessors: [spanProcessor],
    // Traces only: logs stay with pino, metrics with /metrics.
    logRecordProcessors: [],
    instrumentations: [
      new HttpInstrumentation({
        ignoreIncomingRequestHook: (request) => UNTRACED_PATHS.has((request.url ?? '').split('?')[0]),
      }),
      // Names the server span by the route's template (http.route). Every layer is kept: the template
      // is assembled from the layers' paths, and leaving out middleware loses the /v1 mount.
      new ExpressInstrumentation(),
      // Statement text without its values (customer data stays out of the traces).
      new PgInstrumentation({ enhancedDatabaseReporting: false }),
    ],
  });
  sdk.start();
  return {
    clientInterceptor: new OpenTelemetryWorkflowClientInterceptor(),
    activityInterceptor: (ctx) => ({
      inbound: new OpenTelemetryActivityInboundInterceptor(ctx),
      outbound: new OpenTelemetryActivityOutboundInterceptor(ctx),
    }),
    workflowSinks: { exporter: makeWorkflowExporter(spanProcessor, resource) },
    shutdown: () => sdk.shutdown(),
  };
}
