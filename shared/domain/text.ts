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
// The characters String.prototype.trim() removes (ECMAScript WhiteSpace and LineTerminator)
// that one line may hold; the others (tab, line breaks, U+2028, U+2029) are unsafe there
// anyway. Spelled out because `\s` differs between regex engines (Python's lacks U+FEFF).
const SPACES = ' \\u00A0\\u1680\\u2000-\\u200A\\u202F\\u205F\\u3000\\uFEFF';

// Every pattern runs in linear time: no two quantifiers can take the same character, so a
// backtracking engine never tries the same text two ways (one request's long name with a
// trailing control character once took seconds). eslint-plugin-regexp checks it, and
// test/domain/text-rules.test.ts times every rule on 1 MiB adversarial values.
const SINGLE_LINE = new RegExp(`^[^${UNSAFE_SINGLE_LINE}]*$`);
// At least one character that trimming keeps, so a trimmed value is never empty: spaces,
// then the first visible character, then anything safe (the three parts cannot overlap).
const VISIBLE_SINGLE_LINE = new RegExp(`^[${SPACES}]*[^${UNSAFE_SINGLE_LINE}${SPACES}][^${UNSAFE_SINGLE_LINE}]*$`);
const MULTI_LINE = new RegExp(`^[^${UNSAFE_MULTI_LINE}]*$`);
// Without the u flag a regex sees UTF-16 code units: a high surrogate not followed by a low one, or a low one not after a high one.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

const MESSAGE = 'must not contain control characters or bidirectional overrides';
const VISIBLE_MESSAGE = `must not be blank, and ${MESSAGE}`;
const wellFormed = (text: string) => !LONE_SURROGATE.test(text);
const NOT_WELL_FORMED = { message: 'must not contain lone surrogates' };

/**
 * A string of at most `max` characters, checked first: the limit aborts (zod runs later checks
 * after a failed one unless told otherwise), so no pattern ever runs on a value already too long.
 */
export const boundedString = (max: number) => z.string().max(max, { abort: true });

/** One line of text, at most `max` characters as sent, nothing unsafe; stored trimmed, and not blank when `min` is 1. */
export const singleLine = (min: 0 | 1, max: number) =>
  boundedString(max)
    .regex(min > 0 ? VISIBLE_SINGLE_LINE : SINGLE_LINE, min > 0 ? VISIBLE_MESSAGE : MESSAGE)
    .refine(wellFormed, NOT_WELL_FORMED)
    .trim()
    .min(min);

/** Text that may span lines (tabs and line breaks allowed), nothing else unsafe. */
export const multiLine = (max: number) => boundedString(max).regex(MULTI_LINE, MESSAGE).refine(wellFormed, NOT_WELL_FORMED);
