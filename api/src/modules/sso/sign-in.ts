import type { EntityManager } from '@mikro-orm/postgresql';
import { keyedHash, randomToken } from '../../core/auth/tokens.js';
import type { Deps } from '../../core/deps.js';
import { inTenant, systemGrant } from '../../core/db/unit-of-work.js';
import { change } from '../../core/events/change.js';
import { record, userOrigin, type Change } from '../../core/events/record.js';
import { newId } from '../../core/ids.js';
import { type AuthService, type Client, toUserDto, type User, userByEmail, usersById } from '../auth/index.js';
import { membershipOfUser, type MembersService } from '../members/index.js';
import { SsoFailure } from './saml.js';
import type { SsoConnection } from './sso.entity.js';
import type { SsoLoginDto } from './sso.events.js';
import { insertCode, linkIdentity, linkedUserId, touchIdentity } from './sso.repository.js';

export interface Asserted {
  subject: string;
  attributes: Record<string, unknown>;
}

export interface PendingRequest {
  redirect_uri: string;
  state: string | null;
  code_challenge: string | null;
}

const CODE_TTL_SECONDS = 60;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

const fail = (status: number, code: string, detail: string) => new SsoFailure(status, code, detail);

/**
 * The end of every SSO sign-in, whichever protocol brought the user: provision them just in time
 * (a members use case), record the sign-in, and issue the single-use code for the app's back end.
 */
export class SignInCompletion {
  constructor(
    private readonly deps: Deps,
    private readonly members: Pick<MembersService, 'provisionJustInTime' | 'roleExists'>,
    private readonly auth: Pick<AuthService, 'createUser'>,
  ) {}

  /**
   * Provisions or updates the user from the IdP's attributes (just in time), records the sign-in and
   * issues the single-use code, all in one transaction of the connection's tenant.
   */
  async complete(client: Client, conn: SsoConnection, asserted: Asserted, request: PendingRequest, seen: { email?: string }): Promise<string> {
    const { email, domain, name, groups } = this.identityOf(conn, asserted);
    seen.email = email.toLowerCase();
    return inTenant(this.deps.orm, systemGrant(conn.tenantId, 'SSO: the identity provider vouched for the user'), async (em) => {
      const changes: Change[] = [];
      const user = await this.linkedUser(em, conn, asserted.subject, { email, domain, name }, changes);
      if (user.name !== name) user.name = name;
      const jit = await this.members.provisionJustInTime(em, conn.tenantId, user, await this.roleFor(em, conn, groups));
      if (jit.outcome === 'deactivated') throw fail(403, 'member_deactivated', 'Your access to this tenant was turned off by its identity provider.');
      changes.push(...jit.changes);
      await em.flush();
      const provisioned = jit.outcome === 'provisioned';
      changes.push(change('sso.login.succeeded', signInRecord(conn, 'succeeded', { userId: user.id, email: user.email, provisioned })));
      await record(em, conn.tenantId, userOrigin(user.id, client), changes);
      const code = `ssoc_${randomToken(40)}`;
      await insertCode(em, {
        hash: keyedHash(this.deps.config.secret, code),
        userId: user.id,
        tenantId: conn.tenantId,
        connectionId: conn.id,
        redirectUri: request.redirect_uri,
        challenge: request.code_challenge,
        ttlSeconds: CODE_TTL_SECONDS,
      });
      const target = new URL(request.redirect_uri);
      target.searchParams.set('code', code);
      if (request.state) target.searchParams.set('state', request.state);
      return target.href;
    });
  }

  /** The email (required, in one of the connection's domains when it has any), name and groups the IdP asserted. */
  private identityOf(conn: SsoConnection, asserted: Asserted) {
    const map = conn.attributeMapping;
    const nameId = asserted.attributes.nameID;
    const email = first(asserted.attributes[map.email]) ?? (typeof nameId === 'string' && EMAIL.test(nameId) ? nameId : undefined);
    if (!email || !EMAIL.test(email)) throw fail(401, 'sso_missing_email', `The IdP sent no email address in '${map.email}'; fix the attribute mapping.`);
    const domain = email.split('@')[1]!.toLowerCase();
    if (conn.domains.length && !conn.domains.includes(domain)) {
      throw fail(403, 'sso_email_domain_mismatch', `${domain} is not one of this connection's domains (${conn.domains.join(', ')}).`);
    }
    const name =
      first(asserted.attributes[map.name]) ??
      ([first(asserted.attributes.given_name), first(asserted.attributes.family_name)].filter(Boolean).join(' ') || email.split('@')[0]!);
    return { email, domain, name, groups: many(asserted.attributes[map.groups]) };
  }

  /** The user this IdP subject signs in as: linked before, or found by email (and linked), or created. */
  private async linkedUser(
    em: EntityManager,
    conn: SsoConnection,
    subject: string,
    who: { email: string; domain: string; name: string },
    changes: Change[],
  ): Promise<User> {
    const linkedId = await linkedUserId(em, conn.id, subject);
    const linked = linkedId ? (await usersById(em, [linkedId])).get(linkedId) : undefined;
    if (linked) {
      await touchIdentity(em, conn.id, subject);
      return linked;
    }
    let user = (await userByEmail(em, who.email)) ?? undefined;
    if (user && !(await membershipOfUser(em, user.id)) && !conn.domains.includes(who.domain)) {
      throw fail(
        403,
        'sso_account_exists',
        `An account for ${who.email} exists outside this tenant; claim ${who.domain} on the connection (domains) or invite the user first.`,
      );
    }
    if (!user) {
      user = await this.auth.createUser(em, { email: who.email, name: who.name, passwordHash: null, verified: true });
      changes.push(change('user.created', toUserDto(user)));
    }
    await linkIdentity(em, { connectionId: conn.id, subject, tenantId: conn.tenantId, userId: user.id });
    return user;
  }

  /** The first group mapping the user's groups match, else the connection's default role. */
  private async roleFor(em: EntityManager, conn: SsoConnection, groups: string[]): Promise<string> {
    const lower = new Set(groups.map((g) => g.toLowerCase()));
    for (const { group, role } of conn.groupRoles) {
      if (lower.has(group.toLowerCase()) && (await this.members.roleExists(em, role))) return role;
    }
    return conn.defaultRole;
  }
}

export function signInRecord(
  conn: Pick<SsoConnection, 'id' | 'type'>,
  outcome: 'succeeded' | 'failed',
  o: { userId?: string; email?: string; reason?: string; detail?: string; provisioned?: boolean },
): SsoLoginDto {
  return {
    id: newId('ssoLogin'),
    object: 'sso_login',
    connection_id: conn.id,
    connection_type: conn.type,
    outcome,
    user_id: o.userId ?? null,
    email: o.email ?? null,
    reason: o.reason ?? null,
    detail: o.detail ?? null,
    provisioned: o.provisioned ?? false,
    created_at: new Date().toISOString(),
  };
}

function first(value: unknown): string | undefined {
  const v = Array.isArray(value) ? value[0] : value;
  return typeof v === 'string' && v.trim() ? v.trim() : undefined;
}

function many(value: unknown): string[] {
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string');
  return typeof value === 'string' ? [value] : [];
}
