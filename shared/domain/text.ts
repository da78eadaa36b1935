// Human text that is stored and shown again (names, addresses, descriptions):
// control characters, lone surrogates and bidirectional overrides are refused,
// because they break logs, mails and terminals, or make text read differently
// from what is stored. The rule is a plain `pattern`, so the OpenAPI document
// states it and a client can check it before sending.
import { z } from 'zod';

// C0 and C1 controls, DEL, the bidi marks, embeddings, overrides and isolates,
// and (with the u flag) any surrogate that is not half of a pair.
const UNSAFE_SINGLE_LINE = '\\u0000-\\u001F\\u007F-\\u009F\\u061C\\u200E\\u200F\\u202A-\\u202E\\u2066-\\u2069\\uD800-\\uDFFF';
// The same, but tab and line breaks are allowed (descriptions).
const UNSAFE_MULTI_LINE = '\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\u007F-\\u009F\\u061C\\u200E\\u200F\\u202A-\\u202E\\u2066-\\u2069\\uD800-\\uDFFF';

const SINGLE_LINE = new RegExp(`^[^${UNSAFE_SINGLE_LINE}]*$`, 'u');
const MULTI_LINE = new RegExp(`^[^${UNSAFE_MULTI_LINE}]*$`, 'u');

const MESSAGE = 'must not contain control characters, bidirectional overrides or lone surrogates';

/** One line of text: trimmed, between `min` and `max` characters, nothing unsafe. */
export const singleLine = (min: number, max: number) => z.string().trim().min(min).max(max).regex(SINGLE_LINE, MESSAGE);

/** Text that may span lines (tabs and line breaks allowed), nothing else unsafe. */
export const multiLine = (max: number) => z.string().max(max).regex(MULTI_LINE, MESSAGE);
