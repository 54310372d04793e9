import { Client, Connection } from '@temporalio/client';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema';
import { bookingDataConverter } from '../personal-data/data-converter';
import { requestIdClientInterceptor } from '../telemetry/request-id-client-interceptor';
import { currentTracing } from '../telemetry/tracing';

export interface TemporalClientOptions {
  address: string;
  namespace: string;
  /** Where the keys of personal fields in payloads are (see personal-data/). */
  db: Kysely<Database>;
}

/** One connection per process; the API, the worker's own client and scripts share this factory. */
export async function createTemporalClient({ address, namespace, db }: TemporalClientOptions): Promise<Client> {
  return bookingClient(await Connection.connect({ address }), namespace, db);
}

/**
 * The project's client on a connection made elsewhere (a test's relay, the worker's own): the
 * request id (and, with tracing on, the span) travels in the headers, and personal fields are
 * sealed as everywhere else.
 */
export function bookingClient(connection: Connection, namespace: string, db: Kysely<Database>): Client {
  const tracing = currentTracing();
  const interceptors = { workflow: [...(tracing ? [tracing.clientInterceptor] : []), requestIdClientInterceptor] };
  return new Client({ connection, namespace, interceptors, dataConverter: bookingDataConverter(db) });
}
