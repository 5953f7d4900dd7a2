// The tenants module's public surface: other modules import only this file.
export { tenantsModule, type SsoRequirement, type TenantsServices } from './module.js';
export { buildTenant } from './tenants.service.js';
export { toTenantDto, type TenantDto } from './tenants.dto.js';
export type { TenantEvent } from './tenants.events.js';
export { visibleTenants } from './tenants.repository.js';
