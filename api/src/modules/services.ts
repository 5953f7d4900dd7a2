import type { Deps } from '../core/deps.js';
import { ApiKeysService } from './api-keys/api-keys.service.js';
import { AuthService } from './auth/auth.service.js';
import { credentialResolver } from './auth/credentials.js';
import { CustomersService } from './customers/customers.service.js';
import { InvitationsService } from './invitations/invitations.service.js';
import { MembersService } from './members/members.service.js';
import { RolesService } from './roles/roles.service.js';
import { TenantsService } from './tenants/tenants.service.js';
import { MfaService } from './auth/mfa.service.js';
import { AuditService } from './audit/audit.service.js';
import { EventsService } from './events/events.service.js';
import { SvixBackend } from './webhooks/svix.js';
import { WebhooksService } from './webhooks/webhooks.service.js';
import { SsoConnectionsService } from './sso/connections.service.js';
import { SsoService } from './sso/sso.service.js';
import { ScimTokensService } from './sso/scim-tokens.service.js';

/** The root lists the modules; each is built from the kernel's deps and the services it names. */
export function createServices(deps: Deps) {
  const tenants = new TenantsService(deps);
  const roles = new RolesService(deps);
  const members = new MembersService(deps, roles);
  const mfa = new MfaService(deps);
  const auth = new AuthService(deps, members, mfa);
  const ssoConnections = new SsoConnectionsService(deps, members);
  const svix = deps.config.svix ? new SvixBackend(deps.config.svix.apiKey, deps.config.svix.serverUrl) : undefined;
  return {
    tenants,
    roles,
    members,
    auth,
    mfa,
    apiKeys: new ApiKeysService(deps, roles),
    invitations: new InvitationsService(deps, members, auth),
    customers: new CustomersService(deps),
    events: new EventsService(deps),
    webhooks: new WebhooksService(deps, svix),
    audit: new AuditService(deps),
    ssoConnections,
    sso: new SsoService(deps, ssoConnections, members, auth),
    scimTokens: new ScimTokensService(deps),
    resolveCredential: credentialResolver(deps, roles, members),
  };
}

export type Services = ReturnType<typeof createServices>;
