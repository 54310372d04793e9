/** Workflow interceptor modules: the worker loads them, and a prebuilt bundle must include them. */
export const workflowInterceptorModules = [require.resolve('../workflows/request-id-interceptors')];
