import type { PermissionsOf } from '../../core/auth/permissions.js';
import type { IdKindsOf } from '../../core/ids.js';
import { defineModule } from '../../core/module.js';
import { formBody } from '../../core/http/input.js';
import { Migration20261122000006_sso } from '../../migrations/Migration20261122000006_sso.js';
import type { AuthService } from '../auth/index.js';
import type { MembersService } from '../members/index.js';
import { ssoRequirement } from './requirement.js';
import { deleteExpiredFlowState } from './sso.repository.js';
import { SsoConnectionsService } from './connections.service.js';
import { SsoConnection } from './sso.entity.js';
import { ssoEvents } from './sso.events.js';
import { SsoService } from './sso.service.js';

const ids = { ssoConnection: 'conn', ssoLogin: 'ssl' };
const permissions = {
  'sso:read': { description: 'View SSO connections and SCIM tokens (never their secrets).', grants: ['owner', 'admin', 'developer', 'viewer'] },
  'sso:write': { description: 'Create, change and delete SSO connections and SCIM tokens; set the SSO policy.', grants: ['owner', 'admin'] },
} as const;

declare module '../../core/ids.js' {
  interface IdKinds extends IdKindsOf<typeof ids> {}
}
declare module '../../core/auth/permissions.js' {
  interface Permissions extends PermissionsOf<typeof permissions> {}
}

export const ssoModule = defineModule({
  name: 'sso',
  ids,
  permissions,
  entities: [SsoConnection],
  // Also created SCIM's tables, before SCIM was a module of its own (migrations that ran do not move).
  migrations: [{ name: 'Migration20261122000006_sso', class: Migration20261122000006_sso }],
  tenantTables: ['sso_connections', 'sso_domains', 'sso_identities'],
  rlsExempt: {
    sso_requests:
      'SSO sign-in state, read before a tenant is set: the SAML ACS (PgRequestStore, InResponseTo look-up) and the OIDC callback claim the ' +
      'row in inIdentity. RLS would refuse every SP-initiated sign-in until those steps run in inTenant(tenantOfConnection(...)).',
    sso_codes:
      'Single-use SSO codes: POST /v1/sso/token finds the row by the code hash on a bare fork, before any tenant is known. RLS would ' +
      'refuse every code exchange until it goes through a SECURITY DEFINER function (like plinth_authenticate_api_key).',
  },
  events: ssoEvents,
  needs: ['members', 'auth'],
  services: (deps, ports: { members: MembersService; auth: AuthService }) => {
    const ssoConnections = new SsoConnectionsService(deps, ports.members);
    return {
      ssoConnections,
      sso: new SsoService(deps, ssoConnections, ports.members, ports.auth),
      ssoRequirement,
    };
  },
  routers: [
    // The one form post: identity providers deliver SAML responses with the HTTP-POST binding.
    {
      mount: 'post',
      path: '/v1/sso/saml/:connection_id/acs',
      accepts: ['application/x-www-form-urlencoded'],
      handlers: () => [formBody({ limit: 1024 * 1024, parameterLimit: 10 })],
    },
  ],
  retention: async (pool) => ({ ssoState: await deleteExpiredFlowState(pool) }),
});

export type SsoServices = { ssoConnections: SsoConnectionsService; sso: SsoService };
