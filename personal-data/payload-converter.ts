import { defaultPayloadConverter, METADATA_ENCODING_KEY, type Payload, type PayloadConverter } from '@temporalio/common';
import { decode, encode } from '@temporalio/common/lib/encoding';
import { unreadablePayload } from '../domain/unreadable-payload';

// Runs inside the workflow sandbox too (bundled through payloadConverterPath): synchronous, no
// Node modules, no I/O. It only separates personal fields from the rest of a value; the codec
// (outside the sandbox, with the keys in PostgreSQL) encrypts them.

/** A payload whose personal fields travel beside its data in cleartext: the codec has yet to seal them. */
export const PERSONAL_ENCODING = 'json/booking-personal';
/** The same after the codec: the personal fields encrypted, per booking, in the `booking-sealed` metadata. */
export const SEALED_ENCODING = 'json/booking-sealed';
/** JSON `{ [bookingId]: PersonalField[] }`: the fields taken out of the data, by the booking whose key seals them. */
export const PERSONAL_METADATA = 'booking-personal';
/** JSON `{ [bookingId]: base64(iv | tag | AES-256-GCM ciphertext of PersonalField[]) }`. */
export const SEALED_METADATA = 'booking-sealed';

/** A field taken out of a value: where it was (keys from the root; [] = the value itself) and what it was. */
export type PersonalField = [path: Array<string | number>, value: unknown];
export type PersonalFields = Record<string, PersonalField[]>;

/**
 * The keys under which personal data travels in the booking workflows' payloads: a reservation's
 * `customer` and `contact` (HoldRequest), a transition's `customer` (TransitionRequest), a
 * snapshot's `customerEmail` (BookingSnapshot, in outcomes, states, signals and Update results).
 */
const PERSONAL_KEYS = new Set(['customer', 'contact', 'customerEmail']);
/**
 * Free text a customer or an operator typed (a cancellation's or a check-in's reason): sealed
 * wherever the value names its booking (a TransitionRequest, its `checkIn`). Where it does not,
 * it stays in the data: such values carry no customer's text (a session's cancellation, a
 * workflow's own reasons), and an Update's argument, which does, is sealed as a whole by its
 * sender (see sealedArgument).
 */
const OWNED_PERSONAL_KEYS = new Set(['reason']);
const PERSONAL_MARK = '__bookingPersonalData';

/** A value that is personal as a whole (the customer's details sent to `submitDetails`), and whose booking it is. */
export interface PersonalData<T> { [PERSONAL_MARK]: string; value: T }

/**
 * Marks a value that names no booking itself as the personal data of this booking. Pass it where
 * the value would go (an Update's argument); the receiver gets the value itself.
 */
export function personalData<T>(bookingId: string, value: T): T {
  return { [PERSONAL_MARK]: bookingId, value } as unknown as T;
}

/** An Update's argument, sealed as a whole with its booking's key (unless marked already). */
export function sealedArgument<T>(bookingId: string, value: T): T {
  return isPlainObject(value) && PERSONAL_MARK in value ? value : personalData(bookingId, value);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  // Not a Date, byte array or class instance (those go through as JSON.stringify writes them).
  return Object.prototype.toString.call(value) === '[object Object]';
}

/** The booking an object speaks for: a request's `bookingId`, or a snapshot's `id` (it has `customerEmail`). */
function ownerOf(value: Record<string, unknown>, outer: string | null): string | null {
  if (typeof value.bookingId === 'string') return value.bookingId;
  if ('customerEmail' in value && typeof value.id === 'string') return value.id;
  return outer;
}

function hasPersonal(value: unknown, depth: number): boolean {
  if (depth > 8) return false;
  if (Array.isArray(value)) return value.some((item) => hasPersonal(item, depth + 1));
  if (!isPlainObject(value)) return false;
  if (PERSONAL_MARK in value) return true;
  for (const key in value) {
    const field = value[key];
    if ((PERSONAL_KEYS.has(key) || OWNED_PERSONAL_KEYS.has(key)) && field !== null && field !== undefined) return true;
    if (typeof field === 'object' && field !== null && hasPersonal(field, depth + 1)) return true;
  }
  return false;
}

/** A copy of the value without its personal fields (null in their place), and the fields, by booking. */
export function splitPersonal(value: unknown): { data: unknown; fields: PersonalFields } {
  const fields: PersonalFields = {};
  const take = (owner: string | null, path: Array<string | number>, field: unknown) => {
    // Fail closed: a personal field whose booking is unknown cannot be sealed, so it may not travel.
    if (!owner) throw new TypeError(`personal field ${path.join('.')} travels in a payload that names no booking`);
    (fields[owner] ??= []).push([path, field]);
  };
  const strip = (node: unknown, path: Array<string | number>, owner: string | null, depth: number): unknown => {
    if (depth > 8) return node;
    if (Array.isArray(node)) return node.map((item, index) => strip(item, [...path, index], owner, depth + 1));
    if (!isPlainObject(node)) return node;
    if (PERSONAL_MARK in node) {
      take(node[PERSONAL_MARK] as string, path, node.value);
      return null;
    }
    const own = ownerOf(node, owner);
    const copy: Record<string, unknown> = {};
    for (const key in node) {
      const field = node[key];
      if ((PERSONAL_KEYS.has(key) || (own && OWNED_PERSONAL_KEYS.has(key))) && field !== null && field !== undefined) {
        take(own, [...path, key], field);
        copy[key] = null;
      } else {
        copy[key] = typeof field === 'object' && field !== null ? strip(field, [...path, key], own, depth + 1) : field;
      }
    }
    return copy;
  };
  return { data: strip(value, [], null, 0), fields };
}

/** Keys a path from outside may not walk through: they lead to prototypes, not to the value's own fields. */
const UNSAFE_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

function isPath(path: unknown): path is Array<string | number> {
  return Array.isArray(path) && path.every((key) => (typeof key === 'string' && !UNSAFE_KEYS.has(key)) || Number.isInteger(key));
}

/**
 * Puts personal fields back where they were taken from; fields of an erased booking stay null.
 * The fields may come from outside (a payload sent with this encoding by hand): an entry that is
 * not a field as splitPersonal writes it is left out, and only the value's own fields are walked.
 */
export function joinPersonal(data: unknown, fields: PersonalFields): unknown {
  let root = data;
  if (!isPlainObject(fields)) return root;
  for (const list of Object.values(fields)) {
    if (!Array.isArray(list)) continue;
    for (const entry of list) {
      if (!Array.isArray(entry) || !isPath(entry[0])) continue;
      const [path, value] = entry;
      if (path.length === 0) {
        root = value;
        continue;
      }
      let node = root as Record<string | number, unknown> | undefined;
      for (const key of path.slice(0, -1)) {
        node = node && typeof node === 'object' && Object.hasOwn(node, key) ? node[key] as Record<string | number, unknown> : undefined;
      }
      if (node && typeof node === 'object') node[path[path.length - 1]] = value;
    }
  }
  return root;
}

function metadataText(payload: Payload, key: string): string | undefined {
  const raw = payload.metadata?.[key];
  return raw ? decode(raw) : undefined;
}

export function encodingOf(payload: Payload): string | undefined {
  return metadataText(payload, METADATA_ENCODING_KEY);
}

/**
 * JSON as the default converter writes it, except for values carrying a booking's personal
 * fields: those leave the data and travel in the `booking-personal` metadata, for the codec to seal.
 * Values without personal fields (most payloads) are the default converter's, untouched.
 */
export class BookingPayloadConverter implements PayloadConverter {
  toPayload<T>(value: T): Payload {
    if (!hasPersonal(value, 0)) return defaultPayloadConverter.toPayload(value);
    const { data, fields } = splitPersonal(value);
    // Only free text of no known booking: nothing to seal.
    if (Object.keys(fields).length === 0) return defaultPayloadConverter.toPayload(value);
    return {
      metadata: {
        [METADATA_ENCODING_KEY]: encode(PERSONAL_ENCODING),
        [PERSONAL_METADATA]: encode(JSON.stringify(fields)),
      },
      data: encode(JSON.stringify(data ?? null)),
    };
  }

  /**
   * Never throws: a payload it cannot read (sent by hand with an odd encoding or broken JSON) is
   * read as an unreadable-payload value, which every message's check refuses (see
   * domain/unreadable-payload.ts), so that no malformed message fails a workflow task.
   */
  fromPayload<T>(payload: Payload): T {
    let encoding: string | undefined;
    try {
      encoding = encodingOf(payload);
      if (encoding !== PERSONAL_ENCODING && encoding !== SEALED_ENCODING) return defaultPayloadConverter.fromPayload(payload);
      const data = JSON.parse(decode(payload.data ?? new Uint8Array()));
      // Sealed and not opened (no codec, or the booking's key is gone): the personal fields stay null.
      if (encoding === SEALED_ENCODING) return data as T;
      return joinPersonal(data, JSON.parse(metadataText(payload, PERSONAL_METADATA) ?? '{}')) as T;
    } catch (error) {
      const kind = error instanceof Error ? error.name : 'Error';
      return unreadablePayload(`a payload of encoding ${JSON.stringify(encoding ?? null).slice(0, 80)} could not be read (${kind})`) as T;
    }
  }
}

export const payloadConverter = new BookingPayloadConverter();
