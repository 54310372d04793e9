import { assertMatchesContract } from './contract';

export interface ApiResponse<T = any> {
  status: number;
  contentType: string | null;
  body: T;
}

/** A plain fetch against the real app; bodies are parsed whatever the status and held to the OpenAPI document. */
export async function call<T = any>(
  baseUrl: string, method: string, path: string, options: { token?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<ApiResponse<T>> {
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers: {
      ...(options.token && { authorization: `Bearer ${options.token}` }),
      ...(options.body !== undefined && { 'content-type': 'application/json' }),
      ...options.headers,
    },
    body: options.body === undefined ? undefined : typeof options.body === 'string' ? options.body : JSON.stringify(options.body),
  });
  const text = await response.text();
  const contentType = response.headers.get('content-type');
  const body = text ? JSON.parse(text) : null;
  // Every answer a test sees is also checked against what /openapi.json promises.
  assertMatchesContract(method, path, response.status, contentType, body);
  return { status: response.status, contentType, body };
}

/** Polls a condition instead of sleeping a guessed time; fails with the last value seen. */
export async function waitFor<T>(probe: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 30_000): Promise<T> {
  const started = Date.now();
  let value = await probe();
  while (!done(value)) {
    if (Date.now() - started > timeoutMs) throw new Error(`condition not met within ${timeoutMs} ms; last value: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
    value = await probe();
  }
  return value;
}
