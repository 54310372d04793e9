/** Network failures of a dependency, as Node, pg and gRPC name them. */
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EPIPE', 'EAI_AGAIN']);
const PG_UNREACHABLE = /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|Connection ended unexpectedly/i;
/** gRPC UNAVAILABLE and DEADLINE_EXCEEDED: Temporal cannot be reached (in time). */
const GRPC_UNREACHABLE = new Set([14, 4]);

interface ErrorLike { code?: unknown; message?: unknown; name?: unknown; cause?: unknown }

/**
 * Which dependency an error says is unreachable, if any: PostgreSQL (a refused or dropped
 * connection, SQLSTATE class 08, or the server shutting down, 57P0x) or Temporal (gRPC
 * UNAVAILABLE or DEADLINE_EXCEEDED). The API answers those 503 with Retry-After instead of 500.
 */
export function unreachableDependency(error: unknown): 'database' | 'temporal' | null {
  for (let current = error as ErrorLike | undefined, depth = 0; current && depth < 5; current = current.cause as ErrorLike, depth += 1) {
    const name = String(current.name ?? '');
    if (typeof current.code === 'number' && GRPC_UNREACHABLE.has(current.code) && /ServiceError|Grpc|Error/.test(name)) return 'temporal';
    if (name === 'ServiceError' || name === 'ConnectionError') {
      if (current.cause === undefined || GRPC_UNREACHABLE.has((current.cause as ErrorLike).code as number)) return 'temporal';
    }
    if (typeof current.code === 'string') {
      if (NETWORK_CODES.has(current.code) || /^08/.test(current.code) || /^57P0[123]$/.test(current.code)) return 'database';
    }
    if (typeof current.message === 'string' && PG_UNREACHABLE.test(current.message)) return 'database';
  }
  return null;
}
