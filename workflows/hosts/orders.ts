// The workflows the orders service's worker runs: the order saga, and the
// engine-floor probes the benchmark compares it with (same worker, same queues).
export { orderSaga } from '../order-saga.js';
export { engineFloor, engineFloorLocal } from '../engine-floor.js';
