// The workflows the shipping service's worker runs.
export { fulfilment } from '../fulfilment.js';
