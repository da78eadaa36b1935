// The users service's activities, on its task queue, over the same store its routes use.
import { DomainError } from '../../shared/domain/errors.js';
import { implementActivities } from '../../activities/implement.js';
import type { UsersStore } from './store.js';
import { usersCatalogue } from './temporal/catalogue.js';

export function createUsersActivities(store: UsersStore) {
  return implementActivities(usersCatalogue, {
    getUserContact: async ({ userId }) => {
      const user = await store.get(userId);
      if (!user) throw new DomainError('NotFound', `no user ${userId}`);
      return { userId, email: user.email, name: user.name };
    },
  });
}
