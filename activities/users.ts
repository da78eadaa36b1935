// Users' activity, on task queue `users`: contact details for notifications.
import { BusinessError, activitiesFrom, parseInput } from '../shared/activity-failure.js';
import { ContactInput } from '../services/users/schemas.js';
import type { UsersStore } from '../services/users/store.js';
import type { UsersActivities } from './contracts.js';

export function createUsersActivities(store: UsersStore): UsersActivities {
  return activitiesFrom<UsersActivities>({
    getUserContact: async (input) => {
      const { userId } = parseInput(ContactInput, input);
      const user = await store.get(userId);
      if (!user) throw new BusinessError('NotFound', `no user ${userId}`);
      return { userId, email: user.email, name: user.name };
    },
  });
}
