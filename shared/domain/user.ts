import { z } from 'zod';
import { ROLES } from './vocabulary.js';
import { boundedString, singleLine } from './text.js';

// zod's own email rule as a plain pattern (no `format: email`, which each validator
// reads its own way), so the published document admits exactly the addresses the server accepts.
export const Email = boundedString(254).regex(z.regexes.email, 'must be an email address').meta({ example: 'ada@example.com' });
export const Password = z.string().min(8).max(128);
export const PersonName = singleLine(1, 100);
export const Role = z.enum(ROLES);
