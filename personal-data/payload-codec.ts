import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { METADATA_ENCODING_KEY, type Payload, type PayloadCodec } from '@temporalio/common';
import {
  encodingOf, PERSONAL_ENCODING, PERSONAL_METADATA, SEALED_ENCODING, SEALED_METADATA, type PersonalFields,
} from './payload-converter';
import { isBookingId, type PersonalKeyStore } from './keys';

const IV_BYTES = 12;
const TAG_BYTES = 16;

function text(payload: Payload, key: string): string {
  return Buffer.from(payload.metadata?.[key] ?? new Uint8Array()).toString('utf8');
}

/** AES-256-GCM, bound to the booking (its id is the additional data): iv | tag | ciphertext. */
export function seal(key: Buffer, bookingId: string, plaintext: string): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(bookingId));
  const sealed = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), sealed]).toString('base64');
}

export function open(key: Buffer, bookingId: string, sealed: string): string {
  const bytes = Buffer.from(sealed, 'base64');
  const decipher = createDecipheriv('aes-256-gcm', key, bytes.subarray(0, IV_BYTES));
  decipher.setAAD(Buffer.from(bookingId));
  decipher.setAuthTag(bytes.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
  return Buffer.concat([decipher.update(bytes.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8');
}

/** The `booking-sealed` metadata as this codec writes it; anything else reads as no sealed fields. */
function sealedFieldsOf(payload: Payload): Record<string, unknown> {
  try {
    const sealed: unknown = JSON.parse(text(payload, SEALED_METADATA));
    return typeof sealed === 'object' && sealed !== null && !Array.isArray(sealed) ? sealed as Record<string, unknown> : {};
  } catch {
    return {};
  }
}

/** The booking's fields, or null when the ciphertext does not open with its key (forged or damaged). */
function openFields(key: Buffer, bookingId: string, ciphertext: string): PersonalFields[string] | null {
  try {
    const fields: unknown = JSON.parse(open(key, bookingId, ciphertext));
    return Array.isArray(fields) ? fields as PersonalFields[string] : null;
  } catch {
    return null;
  }
}

/**
 * Crypto-shredding for Temporal: the personal fields the payload converter set apart are
 * encrypted with their booking's key before anything leaves the process, so a history holds them
 * only as ciphertext; anonymizing deletes the key, and they can never be read again (they decode
 * as null). Every other payload passes through untouched.
 */
export class BookingPayloadCodec implements PayloadCodec {
  /** `mayOpen`: which bookings' fields this codec may decrypt (the codec endpoint: the caller's organization's). */
  constructor(private readonly keys: PersonalKeyStore, private readonly mayOpen: (bookingId: string) => boolean = () => true) {}

  async encode(payloads: Payload[]): Promise<Payload[]> {
    return Promise.all(payloads.map(async (payload) => {
      if (encodingOf(payload) !== PERSONAL_ENCODING) return payload;
      const fields = JSON.parse(text(payload, PERSONAL_METADATA)) as PersonalFields;
      const sealed: Record<string, string> = {};
      for (const [bookingId, list] of Object.entries(fields)) {
        const key = await this.keys.keyFor(bookingId, true);
        // Anonymized already: what it would carry is erased before it is written.
        if (key) sealed[bookingId] = seal(key, bookingId, JSON.stringify(list));
      }
      return {
        metadata: {
          [METADATA_ENCODING_KEY]: Buffer.from(SEALED_ENCODING),
          [SEALED_METADATA]: Buffer.from(JSON.stringify(sealed)),
        },
        data: payload.data,
      };
    }));
  }

  /**
   * Throws only when the keys cannot be read (the database is down: the workflow task is tried
   * again later). A sealed payload that is not ours (sent by hand: metadata missing or malformed,
   * an id that is no booking's, a ciphertext that does not open) decodes like one whose key is
   * gone, its personal fields null: decoding runs before any handler's check, and an exception
   * here would fail the workflow task on every retry.
   */
  async decode(payloads: Payload[]): Promise<Payload[]> {
    return Promise.all(payloads.map(async (payload) => {
      if (encodingOf(payload) !== SEALED_ENCODING) return payload;
      const fields: PersonalFields = {};
      for (const [bookingId, ciphertext] of Object.entries(sealedFieldsOf(payload))) {
        if (!isBookingId(bookingId) || typeof ciphertext !== 'string' || !this.mayOpen(bookingId)) continue;
        const key = await this.keys.keyFor(bookingId, false);
        const opened = key && openFields(key, bookingId, ciphertext);
        if (opened) fields[bookingId] = opened;
      }
      return {
        metadata: {
          [METADATA_ENCODING_KEY]: Buffer.from(PERSONAL_ENCODING),
          [PERSONAL_METADATA]: Buffer.from(JSON.stringify(fields)),
        },
        data: payload.data,
      };
    }));
  }
}
