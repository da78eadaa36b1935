// The notifications service's activity: one message per key.
import { implementActivities } from '../../activities/implement.js';
import type { NotificationsStore } from './store.js';
import { notificationsCatalogue } from './temporal/catalogue.js';

export function createNotificationsActivities(store: NotificationsStore) {
  return implementActivities(notificationsCatalogue, {
    sendNotification: (request) => store.send(request),
  });
}
