// The roles module's public surface: other modules import only this file.
export { rolesModule, type RoleHolders, type RolesServices } from './module.js';
export type { RolesService } from './roles.service.js';
export type { RoleDto } from './roles.dto.js';
export type { RoleEvent } from './roles.events.js';
