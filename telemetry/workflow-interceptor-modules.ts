/** Workflow interceptor modules: the worker loads them, and a prebuilt bundle must include them. */
export const workflowInterceptorModules = [require.resolve('../workflows/request-id-interceptors')];

/**
 * With tracing on, the workflow's own spans too (OpenTelemetry inside the sandbox, exported through
 * the worker's sink). A separate list, and a separate prebuilt bundle, so that with tracing off no
 * workflow runs them.
 */
export const tracedWorkflowInterceptorModules = [
  ...workflowInterceptorModules, require.resolve('@temporalio/interceptors-opentelemetry/lib/workflow-interceptors'),
];
