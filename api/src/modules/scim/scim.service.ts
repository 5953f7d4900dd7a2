import type { EntityManager } from '@mikro-orm/postgresql';
import { keyedHash } from '../../core/auth/tokens.js';
import type { Deps } from '../../core/deps.js';
import { inTenant, systemGrant } from '../../core/db/unit-of-work.js';
import { record, type Change, type Origin } from '../../core/events/record.js';
import { defaultConnectionRole } from '../sso/index.js';
import { ScimError } from './scim.protocol.js';
import { tenantBlocked, tokenByHash } from './scim.repository.js';
import type { ScimGroupsService } from './scim-groups.service.js';
import type { ScimUsersService } from './scim-users.service.js';

/** One SCIM request's unit of work: the tenant its token belongs to, and the changes to record in it. */
export interface ScimScope {
  em: EntityManager;
  tenantId: string;
  origin: Origin;
  changes: Change[];
}

/** The role people provisioned without a mapped group get: the first active SSO connection's default role. */
export async function defaultRole(em: EntityManager): Promise<string> {
  return (await defaultConnectionRole(em)) ?? 'member';
}

/**
 * SCIM 2.0 (RFC 7643/7644) per tenant, as Okta and Entra ID drive it: Users are the tenant's members
 * (`id` is the membership id, `userName` the email), `active: false` deprovisions (the membership is
 * deactivated and the user's sessions in the tenant end), and Groups map to roles by name.
 */
export class ScimService {
  constructor(
    private readonly deps: Deps,
    readonly users: ScimUsersService,
    readonly groups: ScimGroupsService,
  ) {}

  /**
   * The SCIM token is the credential: it names the tenant, and the use case runs in one transaction
   * there. The token is the actor, so the audit log names which provisioning integration made each change.
   */
  async inTenantOfToken<T>(token: string, request: Omit<Origin, 'actor'>, work: (s: ScimScope) => Promise<T>): Promise<T> {
    const hash = keyedHash(this.deps.config.secret, token);
    await this.deps.limits.consume('scim', hash, 600);
    const row = await tokenByHash(this.deps.orm.em.fork(), hash);
    if (!row || row.revoked_at) throw new ScimError(401, 'The SCIM token is invalid or revoked.');
    if (await tenantBlocked(this.deps.orm.em.fork(), row.tenant_id)) throw new ScimError(403, 'This tenant is suspended.');
    const origin: Origin = { actor: { type: 'system', id: row.id }, ...request };
    return inTenant(this.deps.orm, systemGrant(row.tenant_id, 'SCIM: the SCIM token is the credential'), async (em) => {
      const scope: ScimScope = { em, tenantId: row.tenant_id, origin, changes: [] };
      const result = await work(scope);
      if (scope.changes.length) await record(em, row.tenant_id, origin, scope.changes);
      return result;
    });
  }
}
