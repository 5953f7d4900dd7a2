import type { PermissionsOf } from '../../core/auth/permissions.js';
import type { IdKindsOf } from '../../core/ids.js';
import { defineModule } from '../../core/module.js';
import type { AuthService } from '../auth/index.js';
import type { MembersService } from '../members/index.js';
import { Invitation } from './invitations.entity.js';
import { invitationEvents } from './invitations.events.js';
import { InvitationsService } from './invitations.service.js';

const ids = { invitation: 'inv' };
const permissions = {
  'invitations:read': { description: 'List invitations.', grants: ['owner', 'admin', 'developer', 'viewer'] },
  'invitations:write': { description: 'Invite people and revoke invitations.', grants: ['owner', 'admin'] },
} as const;

declare module '../../core/ids.js' {
  interface IdKinds extends IdKindsOf<typeof ids> {}
}
declare module '../../core/auth/permissions.js' {
  interface Permissions extends PermissionsOf<typeof permissions> {}
}

export const invitationsModule = defineModule({
  name: 'invitations',
  ids,
  permissions,
  tags: [{ name: 'Invitations', description: 'Invite people by email with a role.' }],
  entities: [Invitation],
  tenantTables: ['invitations'],
  events: invitationEvents,
  needs: ['members', 'auth'],
  services: (deps, ports: { members: MembersService; auth: AuthService }) => ({ invitations: new InvitationsService(deps, ports.members, ports.auth) }),
});

export type InvitationsServices = { invitations: InvitationsService };
