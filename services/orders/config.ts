import { workerServiceEnv } from '../../shared/config.js';

export const ordersEnv = workerServiceEnv;
