// Every workflow, for tests and tools that need them all in one bundle. Each
// service's worker bundles only the workflows it hosts (services/<name>/temporal/workflows.ts).
export { orderSaga } from './order-saga.js';
export { fulfilment } from './fulfilment.js';
export { onboarding } from './onboarding.js';
export { engineFloor, engineFloorLocal } from './engine-floor.js';
