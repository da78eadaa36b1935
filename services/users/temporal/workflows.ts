// The workflows the users service's worker hosts (its process points the worker here).
export { onboarding } from '../../../workflows/onboarding.js';
