// vitest types its asymmetric matchers `any`, so one inside an object literal reads as an unsafe
// assignment; these are the same matchers, typed as what they are to the code around them.
import { expect } from 'vitest';

export const stringContaining = (text: string): unknown => expect.stringContaining(text);
export const arrayContaining = (items: unknown[]): unknown => expect.arrayContaining(items);
export const stringMatching = (pattern: RegExp): unknown => expect.stringMatching(pattern);
export const objectContaining = (fields: Record<string, unknown>): unknown => expect.objectContaining(fields);
export const anyString = (): unknown => expect.any(String);
export const anyBoolean = (): unknown => expect.any(Boolean);
