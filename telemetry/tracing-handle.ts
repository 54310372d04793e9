import type { WorkflowClientInterceptor } from '@temporalio/client';
import type { ActivityInterceptorsFactory, WorkerOptions } from '@temporalio/worker';

/** What a started OpenTelemetry SDK hands the Temporal client and worker (see tracing.ts). */
export interface Tracing {
  /** Spans for the API's Temporal calls (StartUpdateWithStart, StartWorkflowUpdate...), their context in the headers. */
  clientInterceptor: WorkflowClientInterceptor;
  /** An activity's span, child of the workflow's, under which its SQL queries are traced. */
  activityInterceptor: ActivityInterceptorsFactory;
  /** The workflow sandbox has no exporter of its own: its spans leave through this sink. */
  workflowSinks: NonNullable<WorkerOptions['sinks']>;
  /** Flushes the spans not yet exported. */
  shutdown(): Promise<void>;
}
