import { Connection, isGrpcServiceError } from '@temporalio/client';
import { msToTs } from '@temporalio/common/lib/time';

const RETENTION = '30 days';
// gRPC status codes (the numbers are the protocol's, not a library's).
const NOT_FOUND = 5;
const ALREADY_EXISTS = 6;

function hasCode(error: unknown, code: number): boolean {
  return isGrpcServiceError(error) && error.code === code;
}

/**
 * A Temporal server set up by admin-tools has only the system namespace; the dev server makes
 * `default` itself. Registering is idempotent here: an existing namespace is left as it is.
 */
export async function ensureNamespace(address: string, namespace: string): Promise<'existed' | 'registered'> {
  const connection = await Connection.connect({ address });
  try {
    try {
      await connection.workflowService.describeNamespace({ namespace });
      return 'existed';
    } catch (error) {
      if (!hasCode(error, NOT_FOUND)) throw error;
    }
    try {
      await connection.workflowService.registerNamespace({
        namespace, workflowExecutionRetentionPeriod: msToTs(RETENTION),
      });
    } catch (error) {
      if (!hasCode(error, ALREADY_EXISTS)) throw error;
    }
    return 'registered';
  } finally {
    await connection.close();
  }
}
