// Customer notifications from workflows: best effort by design, a failed
// notification is logged and never changes the order's outcome.
import { log } from '@temporalio/workflow';
import type { Contact } from '../shared/domain/order.js';
import type { NotificationTemplate } from '../shared/domain/vocabulary.js';
import { notifications, users } from './activity-proxies.js';

type NotificationData = Record<string, string | number | boolean | null>;

async function send(key: string, userId: string, template: NotificationTemplate, data: NotificationData, to?: string): Promise<boolean> {
  try {
    await notifications.sendNotification({ key, userId, template, data, ...(to ? { to } : {}) });
    return true;
  } catch (error) {
    log.warn('notification not sent', { key, template, error: String(error) });
    return false;
  }
}

/** The user's address from the users service; without it the outbox still keeps the message. */
export function lookUpContact(userId: string): Promise<Contact | undefined> {
  return users.getUserContact({ userId }).catch(() => undefined);
}

/**
 * Sends `template` to the user once per `key`; returns false when it could not be sent.
 * Pass the contact when the workflow already has it, to spare a round trip.
 */
export async function notifyUser(
  key: string,
  userId: string,
  template: NotificationTemplate,
  data: NotificationData,
  contact?: Contact,
): Promise<boolean> {
  const to = contact ?? (await lookUpContact(userId));
  return send(key, userId, template, data, to?.email);
}

/** Operator alerts go to the `operators` inbox of the notifications service. */
export function alertOperators(key: string, data: NotificationData): Promise<boolean> {
  return send(key, 'operators', 'operator_alert', data);
}
