// The rules for text from a client, without zod: the API's schemas (./text, ./booking-payloads)
// and the workflows' Update validators (workflows/payload-checks.ts) apply the same ones with the
// same messages.

export const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
export const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
export const CONTROL_EXCEPT_LINES = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/;
export const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
export const ZONE = /^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+)*$/;
export const BOOKING_ID = /^[0-9a-f-]{36}$/i;

export const LONE_SURROGATE_MESSAGE = 'must be well-formed Unicode (no lone surrogates)';
export const EMAIL_MESSAGE = 'must be an e-mail address';
export const ZONE_MESSAGE = 'must be an IANA time zone such as Europe/Paris';
export const BOOKING_ID_MESSAGE = 'must be a booking id';

export function controlMessage(lines: boolean | undefined): string {
  return lines
    ? 'must not contain control characters other than tab and line breaks (e.g. NUL)'
    : 'must not contain control characters (e.g. NUL, tab or line breaks)';
}
