import { redisEnv, seedEnv, workerServiceEnv } from '../../shared/config.js';

export const catalogEnv = workerServiceEnv.extend(redisEnv.shape).extend(seedEnv.shape);
