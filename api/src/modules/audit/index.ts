// The audit module's public surface: other modules import only this file.
export { auditModule, type AuditServices } from './module.js';
export type { AuditEvent } from './audit.events.js';
export { sealTenant } from './audit.sealer.js';
