import { z } from 'zod';
import { workerServiceEnv } from '../../shared/config.js';

export const shippingEnv = workerServiceEnv.extend({
  /**
   * The account (its email) of the carrier that collects the parcels: new shipments
   * are assigned to it, and only it (or an admin) may report their carrier events.
   * Unset, or empty, shipments have no carrier account and only admins report for them.
   */
  SHIPMENT_CARRIER_EMAIL: z.preprocess((v) => (v === '' ? undefined : v), z.email().optional()),
});
