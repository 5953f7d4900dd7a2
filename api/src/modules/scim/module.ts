import type { IdKindsOf } from '../../core/ids.js';
import { defineModule } from '../../core/module.js';
import { ScimGroup, ScimToken } from './scim.entity.js';
import { scimRouter } from './scim.router.js';
import { ScimService } from './scim.service.js';
import { ScimGroupsService, type ScimGroupPorts } from './scim-groups.service.js';
import { ScimTokensService } from './scim-tokens.service.js';
import { ScimUsersService, type ScimUserPorts } from './scim-users.service.js';

const ids = { scimToken: 'stk', scimGroup: 'grp' };

declare module '../../core/ids.js' {
  interface IdKinds extends IdKindsOf<typeof ids> {}
}

/**
 * SCIM 2.0 provisioning: identity providers create, update and deprovision a tenant's members and map
 * their groups to roles. Its tables were created by the SSO migration (Migration20261122000006_sso),
 * which the SSO module keeps: a migration that has run does not move. SCIM tokens are guarded by the
 * SSO module's `sso:read` and `sso:write` permissions, and their operations keep the reference's SSO tag.
 */
export const scimModule = defineModule({
  name: 'scim',
  ids,
  entities: [ScimToken, ScimGroup],
  tenantTables: ['scim_tokens', 'scim_groups', 'scim_group_members'],
  needs: ['members', 'auth'],
  services: (deps, ports: ScimUserPorts & { members: ScimGroupPorts }) => ({
    scim: new ScimService(deps, new ScimUsersService(deps, ports), new ScimGroupsService(deps, ports.members)),
    scimTokens: new ScimTokensService(deps),
  }),
  routers: [
    // SCIM 2.0 speaks its own media type, authentication (SCIM tokens) and error format.
    { mount: 'use', path: '/scim/v2', handlers: (deps, s) => [scimRouter(s.scim, deps.config.publicUrl)] },
  ],
});

export type ScimServices = { scim: ScimService; scimTokens: ScimTokensService };
