import type { PermissionsOf } from '../../core/auth/permissions.js';
import type { IdKindsOf } from '../../core/ids.js';
import { defineModule } from '../../core/module.js';
import { SVIX_QUEUE } from './dispatcher.js';
import { SvixBackend } from './svix.js';
import { WebhookDelivery, WebhookEndpoint } from './webhooks.entity.js';
import { webhookEndpointEvents } from './webhooks.events.js';
import { DELIVER_QUEUE, WebhooksService } from './webhooks.service.js';
import { startWebhooksWorker } from './worker.js';

const ids = { webhookEndpoint: 'we', webhookDelivery: 'wd' };
const permissions = {
  'webhooks:read': { description: 'List webhook endpoints and their deliveries.', grants: ['owner', 'admin', 'developer', 'viewer'] },
  'webhooks:write': {
    description: 'Create, update, delete and test webhook endpoints; retry and replay deliveries.',
    grants: ['owner', 'admin', 'developer'],
  },
} as const;

declare module '../../core/ids.js' {
  interface IdKinds extends IdKindsOf<typeof ids> {}
}
declare module '../../core/auth/permissions.js' {
  interface Permissions extends PermissionsOf<typeof permissions> {}
}

const retried = { retryLimit: 20, retryDelay: 5, retryBackoff: true, retryDelayMax: 3600, deleteAfterSeconds: 24 * 3600, notify: true };

export const webhooksModule = defineModule({
  name: 'webhooks',
  ids,
  permissions,
  tags: [{ name: 'Webhooks', description: 'Endpoints that receive events, signed with Standard Webhooks; deliveries, retries and replays.' }],
  entities: [WebhookEndpoint, WebhookDelivery],
  tenantTables: ['webhook_endpoints', 'webhook_deliveries'],
  events: webhookEndpointEvents,
  services: (deps) => {
    const svix = deps.config.svix ? new SvixBackend(deps.config.svix.apiKey, deps.config.svix.serverUrl, deps.registry.eventTypes) : undefined;
    return { webhooks: new WebhooksService(deps, svix) };
  },
  queues: (config) => ({
    // A delivery job outlives the attempt's timeout twice over before pg-boss retries it.
    [DELIVER_QUEUE]: { ...retried, expireInSeconds: Math.ceil(config.webhooks.timeoutMs / 1000) * 2 + 5 },
    [SVIX_QUEUE]: { ...retried, expireInSeconds: 60 },
  }),
  worker: startWebhooksWorker,
});

export type WebhooksServices = { webhooks: WebhooksService };
