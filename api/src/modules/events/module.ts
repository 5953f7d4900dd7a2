import type { PermissionsOf } from '../../core/auth/permissions.js';
import { defineModule } from '../../core/module.js';
import { Migration20261122000002_events } from '../../migrations/Migration20261122000002_events.js';
import { deleteExpiredEvents } from './events.repository.js';
import { EventsService } from './events.service.js';

const permissions = {
  'events:read': { description: 'List events and event types.', grants: ['owner', 'admin', 'developer', 'viewer'] },
} as const;

declare module '../../core/auth/permissions.js' {
  interface Permissions extends PermissionsOf<typeof permissions> {}
}

/** The event stream every module writes through `record()` (core/events), read back through the API. */
export const eventsModule = defineModule({
  name: 'events',
  permissions,
  tags: [{ name: 'Events', description: 'Every change as a typed event, and the event catalogue.' }],
  // The outbox migration also created the webhook and audit tables, before modules had manifests.
  migrations: [{ name: 'Migration20261122000002_events', class: Migration20261122000002_events }],
  tenantTables: ['events'],
  services: (deps) => ({ events: new EventsService(deps) }),
  retention: async (pool, config) => ({ events: await deleteExpiredEvents(pool, config.eventRetentionDays) }),
});

export type EventsServices = { events: EventsService };
