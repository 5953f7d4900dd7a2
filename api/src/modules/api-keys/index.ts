// The API keys module's public surface: other modules import only this file.
export { apiKeysModule, type ApiKeysServices } from './module.js';
export type { ApiKeyDto } from './api-keys.dto.js';
export type { ApiKeyEvent } from './api-keys.events.js';
