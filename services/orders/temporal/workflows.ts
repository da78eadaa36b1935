// The workflows the orders service's worker hosts (its process points the worker
// here): the order saga, and the engine-floor probes the benchmark compares it
// with on the same worker and queues.
export { orderSaga } from '../../../workflows/order-saga.js';
export { engineFloor, engineFloorLocal } from '../../../workflows/engine-floor.js';
