// Every workflow, in one bundle: what each hosting service's worker loads (it runs
// those started on its task queue, shared/temporal/worker.ts), and tests and tools.
export { orderSaga } from './order-saga.js';
export { fulfilment } from './fulfilment.js';
export { onboarding } from './onboarding.js';
export { engineFloor, engineFloorLocal } from './engine-floor.js';
export { checkout } from './checkout.js';
