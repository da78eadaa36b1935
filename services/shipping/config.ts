import { workerServiceEnv } from '../../shared/config.js';

export const shippingEnv = workerServiceEnv;
