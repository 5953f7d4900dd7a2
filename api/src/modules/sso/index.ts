// The SSO module's public surface: other modules import only this file.
export { ssoModule, type SsoServices } from './module.js';
export type { SsoEvent } from './sso.events.js';
