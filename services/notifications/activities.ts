// The notifications service's activity: one message per key.
import { notificationsCatalogue } from '../../activities/notifications.js';
import { implementActivities } from '../../activities/implement.js';
import type { NotificationsStore } from './store.js';

export function createNotificationsActivities(store: NotificationsStore) {
  return implementActivities(notificationsCatalogue, {
    sendNotification: (request) => store.send(request),
  });
}
