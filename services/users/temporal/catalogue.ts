// The users service's activity catalogue: what its worker runs on its task queue, each
// activity with its zod input and output and the business failures it may report
// (activities/define-catalogue.ts). Implemented in ../activities.ts.
import { z } from 'zod';
import { UserId } from '../../../shared/domain/ids.js';
import { Email } from '../../../shared/domain/user.js';
import { defineCatalogue, type ActivitiesOf } from '../../../activities/define-catalogue.js';
import { ping } from '../../../activities/probe.js';
import { usersTaskQueue } from './contract.js';

export const usersCatalogue = defineCatalogue({
  taskQueue: usersTaskQueue,
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
