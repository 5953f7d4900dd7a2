// The webhooks module's public surface: other modules import only this file.
export { webhooksModule, type WebhooksServices } from './module.js';
export type { WebhookEndpointDto } from './webhooks.dto.js';
export type { WebhookEndpointEvent } from './webhooks.events.js';
