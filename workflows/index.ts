// The workflows the orchestrator worker registers (its workflowsPath).
export { orderSaga } from './order-saga.js';
export { fulfilment } from './fulfilment.js';
export { onboarding } from './onboarding.js';
