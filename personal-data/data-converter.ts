import type { DataConverter } from '@temporalio/common';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema';
import { personalKeysOf } from './keys';
import { BookingPayloadCodec } from './payload-codec';

/** Bundled into the workflow code (bundleWorkflowCode's payloadConverterPath) and loaded by clients and workers. */
export const PAYLOAD_CONVERTER_PATH = require.resolve('./payload-converter');

/**
 * The one data converter of every Temporal client and worker of the project (API, worker, the
 * worker's own client, tests, benchmarks): personal fields are set apart by the payload converter
 * and sealed with their booking's key by the codec. The same `db` shares one key cache.
 */
export function bookingDataConverter(db: Kysely<Database>): DataConverter {
  return { payloadConverterPath: PAYLOAD_CONVERTER_PATH, payloadCodecs: [new BookingPayloadCodec(personalKeysOf(db))] };
}
