import { z } from 'zod';
import { problem } from './problem.js';

/** Opaque cursors: base64url JSON of the sort key of the last item returned. */
export function encodeCursor(position: Record<string, string | number>): string {
  return Buffer.from(JSON.stringify(position), 'utf8').toString('base64url');
}

export function decodeCursor<T extends z.ZodType>(cursor: string | undefined, shape: T): z.infer<T> | undefined {
  if (!cursor) return undefined;
  try {
    const parsed = shape.safeParse(JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')));
    if (parsed.success) return parsed.data;
  } catch { /* fall through */ }
  throw problem.validation([{ path: 'query.cursor', message: 'not a cursor this API issued' }]);
}

export const limitParam = z.coerce.number().int().min(1).max(100).default(20);
