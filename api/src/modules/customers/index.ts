// The customers module's public surface: other modules import only this file.
export { customersModule, type CustomersServices } from './module.js';
export type { CustomerDto } from './customers.dto.js';
export type { CustomerEvent } from './customers.events.js';
