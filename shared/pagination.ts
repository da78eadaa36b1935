// Page positions. A cursor is the sort key of the last item a page returned, in a
// form its pattern describes completely: every string the pattern admits is a
// position (one past the end gives an empty page), so there is no "unknown"
// cursor to refuse, and the published contract says exactly what a cursor is.
// A string that does not match is a 400 like any other invalid parameter.
import { z } from 'zod';

export const limitParam = z.coerce.number().int().min(1).max(100).default(20);

const TIME_CURSOR = /^(\d{13})_([A-Za-z0-9_:.-]{1,300})$/;

/** Newest-first pages: `<13-digit creation time in ms>_<id>` of the last item. */
export const TimeCursor = z
  .string()
  .regex(TIME_CURSOR, 'a cursor from nextCursor: <13-digit time in ms>_<id>')
  .meta({ example: '1767225600000_3f2b8c1e-4d5a-5b6c-a7d8-9e0f1a2b3c4d' });

export const timeCursor = (createdAt: Date | string, id: string): string =>
  `${String(new Date(createdAt).getTime()).padStart(13, '0')}_${id}`;

export function timePosition(cursor: string): { createdAt: string; id: string } {
  const [, ms, id] = TIME_CURSOR.exec(cursor)!;
  return { createdAt: new Date(Number(ms)).toISOString(), id: id! };
}
