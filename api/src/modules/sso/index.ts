// The SSO module's public surface: other modules import only this file.
export { ssoModule, type SsoServices } from './module.js';
export type { SsoEvent } from './sso.events.js';
// SCIM maps groups to roles as the tenant's connections say, and provisions with their default role.
export { connectionGroupRole, defaultConnectionRole } from './sso.repository.js';
