// The workflows the users service's worker runs.
export { onboarding } from '../onboarding.js';
