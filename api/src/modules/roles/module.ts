import type { PermissionsOf } from '../../core/auth/permissions.js';
import type { IdKindsOf } from '../../core/ids.js';
import type { EntityManager } from '@mikro-orm/postgresql';
import { defineModule } from '../../core/module.js';
import { Role } from './roles.entity.js';
import { roleEvents } from './roles.events.js';
import { RolesService } from './roles.service.js';

const ids = { role: 'role' };
const permissions = {
  'roles:read': { description: 'List system and custom roles.', grants: ['owner', 'admin', 'developer', 'member', 'viewer'] },
  'roles:write': { description: 'Create, update and delete custom roles.', grants: ['owner', 'admin'] },
} as const;

declare module '../../core/ids.js' {
  interface IdKinds extends IdKindsOf<typeof ids> {}
}
declare module '../../core/auth/permissions.js' {
  interface Permissions extends PermissionsOf<typeof permissions> {}
}

/** Who holds a role, answered by the members module: a role in use cannot be deleted. */
export interface RoleHolders {
  countWithRole(em: EntityManager, role: string): Promise<number>;
}

export const rolesModule = defineModule({
  name: 'roles',
  ids,
  permissions,
  tags: [{ name: 'Roles', description: 'System and custom roles, and the permission catalogue.' }],
  entities: [Role],
  tenantTables: ['roles'],
  events: roleEvents,
  // Built before members (which needs roles), so the holders port is bound once every module is built.
  late: ['roleHolders'],
  services: (deps, ports: { roleHolders?: RoleHolders }) => ({ roles: new RolesService(deps, () => ports.roleHolders!) }),
});

export type RolesServices = { roles: RolesService };
