import { z } from 'zod';
import { UserId } from '../shared/domain/ids.js';
import { Email } from '../shared/domain/user.js';
import { defineCatalogue, type ActivitiesOf } from './define-catalogue.js';
import { ping } from './probe.js';

export const usersCatalogue = defineCatalogue({
  taskQueue: 'users',
  activities: {
    /** Contact details for notifications. */
    getUserContact: {
      input: z.object({ userId: UserId }).strict(),
      output: z.object({ userId: UserId, email: Email, name: z.string() }),
      failures: ['NotFound'],
    },
    ping,
  },
});
export type UsersActivities = ActivitiesOf<typeof usersCatalogue>;
