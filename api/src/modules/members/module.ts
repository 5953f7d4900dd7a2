import type { PermissionsOf } from '../../core/auth/permissions.js';
import type { IdKindsOf } from '../../core/ids.js';
import { defineModule } from '../../core/module.js';
import type { MembershipWriter } from '../auth/index.js';
import type { RoleHolders, RolesService } from '../roles/index.js';
import { countMembersWithRole } from './members.repository.js';
import { Membership } from './members.entity.js';
import { memberEvents } from './members.events.js';
import { MembersService } from './members.service.js';

const ids = { membership: 'mem' };
const permissions = {
  'members:read': { description: 'List members of the tenant.', grants: ['owner', 'admin', 'developer', 'member', 'viewer', 'billing'] },
  'members:write': { description: 'Change member roles and remove members.', grants: ['owner', 'admin'] },
  'owners:write': { description: 'Grant or revoke the owner role.', grants: ['owner'] },
} as const;

declare module '../../core/ids.js' {
  interface IdKinds extends IdKindsOf<typeof ids> {}
}
declare module '../../core/auth/permissions.js' {
  interface Permissions extends PermissionsOf<typeof permissions> {}
}

export const membersModule = defineModule({
  name: 'members',
  ids,
  permissions,
  tags: [{ name: 'Members', description: 'People in a tenant and their roles.' }],
  entities: [Membership],
  tenantTables: ['memberships'],
  events: memberEvents,
  needs: ['roles'],
  services: (deps, ports: { roles: RolesService }) => {
    const members = new MembersService(deps, ports.roles);
    const memberships: MembershipWriter = {
      permissionsOfUser: (em, userId) => members.permissionsOfUser(em, userId),
      add: (em, tenantId, user, role) => members.addRecorded(em, tenantId, user, role),
    };
    const roleHolders: RoleHolders = { countWithRole: countMembersWithRole };
    return { members, memberships, roleHolders };
  },
});

export type MembersServices = { members: MembersService };
