import { randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Whether a value can name a booking, and so have a key. */
export function isBookingId(value: string): boolean {
  return UUID.test(value);
}

/**
 * The per-booking AES-256 keys of personal fields in Temporal payloads, kept in PostgreSQL
 * (`booking_personal_keys`) and cached briefly per process: a booking's payloads are encoded and
 * decoded in bursts (a workflow task, a history page). An erased key (null) is cached for good,
 * since erasure is final; a live key for `ttlMs`, so that another process's anonymization takes
 * effect here within that time.
 */
export class PersonalKeyStore {
  private readonly cache = new Map<string, { key: Buffer | null; until: number }>();

  constructor(private readonly db: Kysely<Database>, private readonly ttlMs = 30_000, private readonly maxEntries = 10_000) {}

  /** The booking's key, made on first use when `create`; null once erased (or, without `create`, never made). */
  async keyFor(bookingId: string, create: boolean): Promise<Buffer | null> {
    if (!isBookingId(bookingId)) throw new TypeError(`personal data names booking ${JSON.stringify(bookingId)}, which is no booking id`);
    const cached = this.cache.get(bookingId);
    if (cached && (cached.key === null || cached.until > Date.now())) return cached.key;
    // A new booking's first payload makes its key in one round trip; only a key that already
    // exists (another process made it, or it was erased) is read afterwards.
    const made = create
      ? await this.db.insertInto('booking_personal_keys').values({ booking_id: bookingId, key: randomBytes(32) })
        .onConflict((oc) => oc.column('booking_id').doNothing()).returning(['key', 'erased_at']).executeTakeFirst()
      : undefined;
    const row = made ?? await this.db.selectFrom('booking_personal_keys').select(['key', 'erased_at'])
      .where('booking_id', '=', bookingId).executeTakeFirst();
    const key = row?.key ?? null;
    // Only a final answer is cached: a key that exists, or one that was erased.
    if (key || row?.erased_at) this.remember(bookingId, key);
    return key;
  }

  /** This process anonymized the booking: its key is gone here at once, not after the cache's time. */
  forget(bookingId: string): void {
    this.remember(bookingId, null);
  }

  private remember(bookingId: string, key: Buffer | null): void {
    if (this.cache.size >= this.maxEntries) this.cache.delete(this.cache.keys().next().value!);
    this.cache.set(bookingId, { key, until: Date.now() + this.ttlMs });
  }
}

const stores = new WeakMap<Kysely<Database>, PersonalKeyStore>();

/** One store per database handle, so the API's client, its routes and a worker in the same process share a cache. */
export function personalKeysOf(db: Kysely<Database>): PersonalKeyStore {
  let store = stores.get(db);
  if (!store) stores.set(db, store = new PersonalKeyStore(db));
  return store;
}
