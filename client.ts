import { Client, Connection, type ClientInterceptors, type WorkflowClientInterceptor } from '@temporalio/client';
import type { Kysely } from 'kysely';
import type { Database } from './db/schema';
import { bookingDataConverter } from './personal-data/data-converter';
import { requestIdClientInterceptor } from './telemetry/request-id-client-interceptor';
import { currentTracing } from './telemetry/tracing';

/** Every Temporal client of the API passes the request id on (see telemetry/). */
export const clientInterceptors: ClientInterceptors = { workflow: [requestIdClientInterceptor] };

export interface TemporalClientOptions {
  address: string;
  namespace: string;
  /** Where the keys of personal fields in payloads are (see personal-data/). */
  db: Kysely<Database>;
}

/** One connection per process; the API and scripts share this factory. */
export async function createTemporalClient({ address, namespace, db }: TemporalClientOptions): Promise<Client> {
  return bookingClient(await Connection.connect({ address }), namespace, db);
}

/**
 * The API's client on a connection made elsewhere (a test's relay, say): the request id (and, with
 * tracing on, the span) travels in the headers, and personal fields are sealed as everywhere else.
 */
export function bookingClient(connection: Connection, namespace: string, db: Kysely<Database>): Client {
  const tracing = currentTracing();
  const interceptors = tracing ? { workflow: [tracing.clientInterceptor, ...clientInterceptors.workflow as WorkflowClientInterceptor[]] } : clientInterceptors;
  return new Client({ connection, namespace, interceptors, dataConverter: bookingDataConverter(db) });
}
