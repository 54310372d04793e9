import { AsyncLocalStorage } from 'node:async_hooks';

/** The request an API call serves, for code far below the router (the Temporal client interceptor). */
export const requestContext = new AsyncLocalStorage<{ requestId: string }>();

/** The header that carries the request id into workflows and activities. */
export const REQUEST_ID_HEADER = 'request-id';

export function currentRequestId(): string | undefined {
  return requestContext.getStore()?.requestId;
}
