import { seedEnv, workerServiceEnv } from '../../shared/config.js';

export const inventoryEnv = workerServiceEnv.extend(seedEnv.shape);
