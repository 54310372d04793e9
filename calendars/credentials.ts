import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../db/schema';
import type { CalendarCredentials } from './provider';

type Db = Kysely<Database> | Transaction<Database>;

const IV_BYTES = 12;
const TAG_BYTES = 16;

/**
 * Seals a connection's credentials (AES-256-GCM) under a key of its own, kept in
 * `calendar_credential_keys` apart from the ciphertext, as personal data's keys are: deleting
 * the connection deletes its key, and what a backup or a log kept of the ciphertext is unreadable
 * from then on. The connection id is the additional data, so a ciphertext copied onto another
 * connection does not open.
 */
export async function sealCredentials(db: Db, connectionId: string, credentials: CalendarCredentials): Promise<Buffer | null> {
  if (!credentials.username && !credentials.password && !credentials.bearerToken) return null;
  const made = await db.insertInto('calendar_credential_keys').values({ connection_id: connectionId, key: randomBytes(32) })
    .onConflict((oc) => oc.column('connection_id').doNothing()).returning('key').executeTakeFirst();
  const key = made?.key ?? (await db.selectFrom('calendar_credential_keys').select('key')
    .where('connection_id', '=', connectionId).executeTakeFirstOrThrow()).key;
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(connectionId));
  const sealed = Buffer.concat([cipher.update(JSON.stringify(credentials), 'utf8'), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), sealed]);
}

/** The connection's credentials in clear, for the one request that needs them; {} when it has none. */
export async function unsealCredentials(db: Db, connection: { id: string; credentials_sealed: Buffer | null }): Promise<CalendarCredentials> {
  if (!connection.credentials_sealed) return {};
  const row = await db.selectFrom('calendar_credential_keys').select('key').where('connection_id', '=', connection.id).executeTakeFirst();
  if (!row) return {};
  const sealed = connection.credentials_sealed;
  const decipher = createDecipheriv('aes-256-gcm', row.key, sealed.subarray(0, IV_BYTES));
  decipher.setAAD(Buffer.from(connection.id));
  decipher.setAuthTag(sealed.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
  const clear = Buffer.concat([decipher.update(sealed.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8');
  return JSON.parse(clear) as CalendarCredentials;
}

/** Forgets the key: the sealed credentials can never be read again (the row's delete does the same). */
export async function shredCredentials(db: Db, connectionId: string): Promise<void> {
  await db.deleteFrom('calendar_credential_keys').where('connection_id', '=', connectionId).execute();
}
