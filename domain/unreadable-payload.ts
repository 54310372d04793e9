/**
 * What the payload converter reads from a payload it cannot decode (an unknown encoding, JSON
 * that does not parse, sealed metadata that is not ours): this value, never an exception. A
 * message's argument is decoded before its handler runs, and a signal's decoding error would fail
 * the workflow task on every retry; this way the handler's own check refuses the message (an
 * Update's validator rejects it, a signal is logged and dropped) like any other malformed one.
 */
export const UNREADABLE_PAYLOAD = '__unreadablePayload';

export interface UnreadablePayload { [UNREADABLE_PAYLOAD]: string }

/** `why` names the encoding and the failure's kind, never the payload's content. */
export function unreadablePayload(why: string): UnreadablePayload {
  return { [UNREADABLE_PAYLOAD]: why };
}

export function isUnreadablePayload(value: unknown): value is UnreadablePayload {
  return typeof value === 'object' && value !== null && Object.hasOwn(value, UNREADABLE_PAYLOAD);
}
