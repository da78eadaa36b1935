import { z } from 'zod';
import { ROLES } from './vocabulary.js';
import { singleLine } from './text.js';

// zod's own email rule, stated as the pattern too, so the published document
// admits exactly the addresses the server accepts.
export const Email = z.email({ pattern: z.regexes.email }).max(254).meta({ example: 'ada@example.com' });
export const Password = z.string().min(8).max(128);
export const PersonName = singleLine(1, 100);
export const Role = z.enum(ROLES);
