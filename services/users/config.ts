import { seedEnv, workerServiceEnv } from '../../shared/config.js';

export const usersEnv = workerServiceEnv.extend(seedEnv.shape);
