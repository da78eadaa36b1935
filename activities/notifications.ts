// Notifications' activity, on task queue `notifications`: one message per key.
import { activitiesFrom, parseInput } from '../shared/activity-failure.js';
import { SendInput } from '../services/notifications/schemas.js';
import type { NotificationsStore } from '../services/notifications/store.js';
import type { NotificationsActivities } from './contracts.js';

export function createNotificationsActivities(store: NotificationsStore): NotificationsActivities {
  return activitiesFrom<NotificationsActivities>({
    sendNotification: async (input) => store.send(parseInput(SendInput, input)),
  });
}
