import type { PermissionsOf } from '../../core/auth/permissions.js';
import type { IdKindsOf } from '../../core/ids.js';
import { defineModule } from '../../core/module.js';
import { formBody } from '../../core/http/input.js';
import { Migration20261122000006_sso } from '../../migrations/Migration20261122000006_sso.js';
import type { AuthService } from '../auth/index.js';
import type { MembersService } from '../members/index.js';
import { ssoRequirement } from './requirement.js';
import { SsoConnectionsService } from './connections.service.js';
import { scimRouter } from './scim.js';
import { ScimTokensService } from './scim-tokens.service.js';
import { ScimGroup, ScimToken, SsoConnection } from './sso.entity.js';
import { ssoEvents } from './sso.events.js';
import { SsoService } from './sso.service.js';

const ids = { ssoConnection: 'conn', scimToken: 'stk', scimGroup: 'grp', ssoLogin: 'ssl' };
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
  entities: [SsoConnection, ScimToken, ScimGroup],
  migrations: [{ name: 'Migration20261122000006_sso', class: Migration20261122000006_sso }],
  events: ssoEvents,
  needs: ['members', 'auth'],
  services: (deps, ports: { members: MembersService; auth: AuthService }) => {
    const ssoConnections = new SsoConnectionsService(deps, ports.members);
    return {
      ssoConnections,
      sso: new SsoService(deps, ssoConnections, ports.members, ports.auth),
      scimTokens: new ScimTokensService(deps),
      ssoRequirement,
    };
  },
  routers: [
    // SCIM 2.0 speaks its own media type, authentication (SCIM tokens) and error format.
    { mount: 'use', path: '/scim/v2', handlers: (deps, s) => [scimRouter(deps, s.members, s.auth)] },
    // The one form post: identity providers deliver SAML responses with the HTTP-POST binding.
    {
      mount: 'post',
      path: '/v1/sso/saml/:connection_id/acs',
      accepts: { pattern: /^\/v1\/sso\/saml\/[^/]+\/acs$/, types: ['application/x-www-form-urlencoded'] },
      handlers: () => [formBody({ limit: 1024 * 1024, parameterLimit: 10 })],
    },
  ],
  async retention(pool) {
    // Expired SSO flow state: requests and codes after a day, seen assertion ids once they expire.
    const sso = await pool.query(
      `with r as (delete from sso_requests where expires_at < now() - interval '1 day' returning 1),
            c as (delete from sso_codes where expires_at < now() - interval '1 day' returning 1),
            a as (delete from saml_assertion_ids where expires_at < now() returning 1)
       select (select count(*) from r) + (select count(*) from c) + (select count(*) from a) as n`,
    );
    return { ssoState: Number(sso.rows[0]?.n ?? 0) };
  },
});

export type SsoServices = { ssoConnections: SsoConnectionsService; sso: SsoService; scimTokens: ScimTokensService };
