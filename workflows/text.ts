import { z } from 'zod';

// Here rather than in api/ because the workflows' Update validators parse with it too.

export const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
const CONTROL_EXCEPT_LINES = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/;

/**
 * Text from a client: no control characters (NUL and the like break PostgreSQL and every log
 * line they reach; tab, line feed and carriage return only where a field holds several lines),
 * no lone surrogates (they are not Unicode and PostgreSQL refuses them), and a length cap. Every
 * string field of a request is built from this, so none can forget a rule.
 */
export function text(maxLength: number, options: { lines?: boolean } = {}) {
  const forbidden = options.lines ? CONTROL_EXCEPT_LINES : CONTROL;
  return z.string()
    .max(maxLength, { message: `must be at most ${maxLength} characters` })
    .refine((value) => !forbidden.test(value), {
      message: options.lines
        ? 'must not contain control characters other than tab and line breaks (e.g. NUL)'
        : 'must not contain control characters (e.g. NUL, tab or line breaks)',
    })
    .refine((value) => !LONE_SURROGATE.test(value), { message: 'must be well-formed Unicode (no lone surrogates)' });
}

