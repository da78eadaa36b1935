// vitest types its asymmetric matchers `any`, so one inside an object literal reads as an unsafe
// assignment; these are the same matchers, typed as what they are to the code around them.
import { expect } from 'vitest';

export const stringContaining = (text: string): unknown => expect.stringContaining(text);
export const arrayContaining = (items: unknown[]): unknown => expect.arrayContaining(items);
