import type { EventCatalogue, EventEnvelope } from '../../core/events/envelope.js';
import type { AuditLogDto } from '../../core/events/record.js';

/** Occurs for every audit log entry: subscribe an endpoint to `audit.*` to stream the audit log to a SIEM. */
export interface AuditEntryCreatedEvent extends EventEnvelope {
  type: 'audit.entry.created';
  data: { object: AuditLogDto };
}

export type AuditEvent = AuditEntryCreatedEvent;

export const auditEvents = {
  'audit.entry.created': { schema: 'AuditEntryCreatedEvent', description: 'An audit log entry was written (one per mutating operation).' },
} satisfies EventCatalogue<AuditEvent>;

declare module '../../core/events/change.js' {
  interface EventRegistry {
    AuditEvent: AuditEvent;
  }
}
