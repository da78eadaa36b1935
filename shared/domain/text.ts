// Human text that is stored and shown again (names, addresses, descriptions):
// control characters, bidirectional overrides and lone surrogates are refused,
// because they break logs, mails and terminals, or make text read differently
// from what is stored. The characters are refused by a plain `pattern` without
// flags, checked on the text as sent (before any trimming), so the OpenAPI
// document states exactly what the server accepts and a client or a fuzzer can
// check it before sending: every regex engine reads it alike. Lone surrogates are
// not Unicode text at all (JSON Schema's strings are Unicode), so they are no part
// of the pattern (most engines cannot even write them) and are refused besides.
import { z } from 'zod';

// C0 and C1 controls, DEL, the bidi marks, embeddings, overrides and isolates.
const BIDI = '\\u061C\\u200E\\u200F\\u202A-\\u202E\\u2066-\\u2069';
// One line: no controls at all, nor the Unicode line and paragraph separators.
const UNSAFE_SINGLE_LINE = `\\u0000-\\u001F\\u007F-\\u009F\\u2028\\u2029${BIDI}`;
// Several lines: tab and line breaks are allowed, nothing else unsafe.
const UNSAFE_MULTI_LINE = `\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\u007F-\\u009F${BIDI}`;
// What String.prototype.trim() removes (ECMAScript WhiteSpace and LineTerminator), spelled
// out because `\s` differs between regex engines (Python's lacks U+FEFF, for one).
const TRIMMED = '\\t\\n\\u000B\\f\\r \\u00A0\\u1680\\u2000-\\u200A\\u2028\\u2029\\u202F\\u205F\\u3000\\uFEFF';

const SINGLE_LINE = new RegExp(`^[^${UNSAFE_SINGLE_LINE}]*$`);
// At least one character that trimming keeps, so a trimmed value is never empty.
const VISIBLE_SINGLE_LINE = new RegExp(`^[^${UNSAFE_SINGLE_LINE}]*[^${UNSAFE_SINGLE_LINE}${TRIMMED}][^${UNSAFE_SINGLE_LINE}]*$`);
const MULTI_LINE = new RegExp(`^[^${UNSAFE_MULTI_LINE}]*$`);
// Without the u flag a regex sees UTF-16 code units: a high surrogate not followed by a low one, or a low one not after a high one.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

const MESSAGE = 'must not contain control characters or bidirectional overrides';
const VISIBLE_MESSAGE = `must not be blank, and ${MESSAGE}`;
const wellFormed = (text: string) => !LONE_SURROGATE.test(text);
const NOT_WELL_FORMED = { message: 'must not contain lone surrogates' };

/** One line of text, at most `max` characters as sent, nothing unsafe; stored trimmed, and not blank when `min` is 1. */
export const singleLine = (min: 0 | 1, max: number) =>
  z
    .string()
    .max(max)
    .regex(min > 0 ? VISIBLE_SINGLE_LINE : SINGLE_LINE, min > 0 ? VISIBLE_MESSAGE : MESSAGE)
    .refine(wellFormed, NOT_WELL_FORMED)
    .trim()
    .min(min);

/** Text that may span lines (tabs and line breaks allowed), nothing else unsafe. */
export const multiLine = (max: number) => z.string().max(max).regex(MULTI_LINE, MESSAGE).refine(wellFormed, NOT_WELL_FORMED);
