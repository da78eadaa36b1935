// The workflows the shipping service's worker hosts (its process points the worker here).
export { fulfilment } from '../../../workflows/fulfilment.js';
