// Transitional: the stores' business failure is shared/errors.ts's DomainError.
export { DomainError as BusinessError } from './errors.js';
