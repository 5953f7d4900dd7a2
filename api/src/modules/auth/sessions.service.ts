import type { EntityManager } from '@mikro-orm/postgresql';
import type { Ctx } from '../../core/auth/principal.js';
import { keyedHash, randomToken, signAccessToken } from '../../core/auth/tokens.js';
import type { Deps } from '../../core/deps.js';
import { enterTenant, inIdentity, systemGrant } from '../../core/db/unit-of-work.js';
import { originOf, record, userOrigin, type Change } from '../../core/events/record.js';
import { forbidden, notFound, unauthorized } from '../../core/http/errors.js';
import type { Session, User } from './auth.entity.js';
import type { AuthTokens, Login, Me, MembershipSummary, MfaChallenge, Refresh, SessionDto } from './auth.dto.js';
import {
  activeSessionsOfUser,
  claimRefreshToken,
  findMembershipsOfUser,
  findRefreshToken,
  findSession,
  getSession,
  getUser,
  insertRefreshToken,
  insertSession,
  revokeSessionById,
  revokeSessionOfUser,
} from './auth.repository.js';
import type { MfaLogin } from './mfa.dto.js';
import type { MfaService } from './mfa.service.js';
import { verifyPassword } from './passwords.js';
import { userByEmail } from './users.repository.js';
import { toUserDto, type Client } from './user-events.js';

/** How a session began: SSO sessions stay in their connection's tenant. */
export interface SessionOrigin {
  method: 'password' | 'sso';
  connectionId?: string;
}

export function signedIn(sessionId: string): Change {
  return { action: 'user.signed_in', target: { type: 'session', id: sessionId } };
}

/**
 * Signing in and out: password login (with its two-factor step), rotating refresh tokens, the current
 * user and their sessions, and sessions started for a user another module verified (an invitation, SSO).
 * Session routes need no permission: a user always manages their own sessions.
 */
export class SessionsService {
  constructor(
    private readonly deps: Deps,
    private readonly mfa: MfaService,
  ) {}

  async login(client: Client, input: Login): Promise<AuthTokens | MfaChallenge> {
    const user = await this.checkPassword(client, input);
    const tenantId = await this.chooseTenant(user.id, input.tenant_id, { method: 'password', mfaEnrolled: !!user.totpEnabledAt });
    // With two-factor authentication on, the password only earns a challenge (POST /v1/auth/mfa).
    if (user.totpEnabledAt) return inIdentity(this.deps.orm, (em) => this.mfa.challenge(em, user.id, tenantId));
    return inIdentity(this.deps.orm, async (em) => {
      const tokens = await this.startSession(em, user, tenantId, client);
      await enterTenant(em, systemGrant(tenantId, 'the password was verified: the sign-in is recorded in the tenant'));
      await record(em, tenantId, userOrigin(user.id, client), [signedIn(tokens.session_id)]);
      return tokens;
    });
  }

  /** The second step of a password login with two-factor authentication. */
  async completeMfa(client: Client, input: MfaLogin): Promise<AuthTokens> {
    const { userId, tenantId } = await this.mfa.completeChallenge(client, input);
    return this.startSessionFor(userId, tenantId, client);
  }

  /** Used by invitations after they create a membership, and by SSO once its code is exchanged. */
  async startSessionFor(userId: string, tenantId: string, client: Client, origin: SessionOrigin = { method: 'password' }): Promise<AuthTokens> {
    return inIdentity(this.deps.orm, async (em) => {
      const tokens = await this.startSession(em, await getUser(em, userId), tenantId, client, origin);
      await enterTenant(em, systemGrant(tenantId, 'the caller (invitation or SSO) verified the user'));
      await record(em, tenantId, userOrigin(userId, client), [signedIn(tokens.session_id)]);
      return tokens;
    });
  }

  /** Rotates the refresh token. Presenting an already-used one revokes the whole session (token theft). */
  async refresh(client: Client, input: Refresh): Promise<AuthTokens> {
    const current = await this.redeemRefreshToken(input.refresh_token);
    const tenantId = await this.tenantAfterRefresh(current, input.tenant_id);
    return inIdentity(this.deps.orm, async (em) => {
      const session = await getSession(em, current.id);
      const user = await getUser(em, session.userId);
      session.tenantId = tenantId;
      session.lastUsedAt = new Date();
      return this.issueTokens(em, user, session);
    });
  }

  async logout(ctx: Ctx): Promise<void> {
    await this.revokeSession(ctx, ctx.principal.sessionId!, 'user.signed_out');
  }

  async me(ctx: Ctx): Promise<Me> {
    const { userId, tenantId, sessionId } = ctx.principal;
    const user = await inIdentity(this.deps.orm, (em) => getUser(em, userId!));
    const memberships = await findMembershipsOfUser(this.deps.orm.em.fork(), userId!);
    return {
      object: 'me',
      user: toUserDto(user),
      tenant_id: tenantId,
      session_id: sessionId!,
      memberships: memberships.map((m): MembershipSummary => ({
        id: m.id,
        object: 'membership',
        tenant_id: m.tenant_id,
        tenant_name: m.tenant_name,
        role: m.role,
      })),
    };
  }

  async listSessions(ctx: Ctx): Promise<{ object: 'list'; data: SessionDto[]; has_more: false; next_cursor: null }> {
    const { userId, sessionId } = ctx.principal;
    const sessions = await inIdentity(this.deps.orm, (em) => activeSessionsOfUser(em, userId!));
    return {
      object: 'list',
      data: sessions.map((s) => ({
        id: s.id,
        object: 'session',
        tenant_id: s.tenantId,
        ip: s.ip,
        user_agent: s.userAgent,
        current: s.id === sessionId,
        created_at: s.createdAt.toISOString(),
        last_used_at: s.lastUsedAt.toISOString(),
        expires_at: s.expiresAt.toISOString(),
      })),
      has_more: false,
      next_cursor: null,
    };
  }

  async revokeSession(ctx: Ctx, id: string, action = 'session.revoked'): Promise<{ id: string; object: 'session'; deleted: true }> {
    await inIdentity(this.deps.orm, async (em) => {
      if (!(await revokeSessionOfUser(em, id, ctx.principal.userId!))) throw notFound('session', id);
      await enterTenant(em, systemGrant(ctx.principal.tenantId, 'a user may always revoke their own sessions'));
      await record(em, ctx.principal.tenantId, originOf(ctx), [{ action, target: { type: 'session', id } }]);
    });
    return { id, object: 'session', deleted: true };
  }

  /** A new session and its first tokens, inside the caller's transaction (a login, or signing up). */
  async startSession(em: EntityManager, user: User, tenantId: string, client: Client, origin: SessionOrigin = { method: 'password' }): Promise<AuthTokens> {
    const session = await insertSession(em, {
      userId: user.id,
      tenantId,
      authMethod: origin.method,
      ssoConnectionId: origin.connectionId ?? null,
      ip: client.ip ?? null,
      userAgent: client.userAgent?.slice(0, 500) ?? null,
      expiresAt: new Date(Date.now() + this.deps.config.refreshTokenTtlSeconds * 1000),
    });
    return this.issueTokens(em, user, session);
  }

  /** The user whose password this is; failures count towards the lock-out of the address and email pair. */
  private async checkPassword(client: Client, input: Login): Promise<User> {
    const throttleKey = `${client.ip ?? 'unknown'}|${input.email.toLowerCase()}`;
    await this.deps.limits.assertLoginAllowed(throttleKey);
    const user = await inIdentity(this.deps.orm, (em) => userByEmail(em, input.email));
    if (!(await verifyPassword(user?.passwordHash, input.password)) || !user) {
      await this.deps.limits.recordLoginFailure(throttleKey);
      throw unauthorized('The email or password is incorrect.', 'invalid_credentials');
    }
    await this.deps.limits.recordLoginSuccess(throttleKey);
    return user;
  }

  /**
   * The session a refresh token belongs to, claiming the token. The claim commits in its own transaction,
   * so a reused token revokes its session even though the request then fails.
   */
  private async redeemRefreshToken(refreshToken: string): Promise<Session> {
    const tokenHash = keyedHash(this.deps.config.secret, refreshToken);
    const outcome = await inIdentity(this.deps.orm, async (em) => {
      const token = await findRefreshToken(em, tokenHash);
      const session = token && (await findSession(em, token.sessionId));
      if (!token || !session || session.revokedAt || session.expiresAt <= new Date() || token.expiresAt <= new Date()) {
        return { error: unauthorized('The refresh token is invalid or expired; sign in again.', 'invalid_refresh_token') };
      }
      if (!(await claimRefreshToken(em, token.id))) {
        await revokeSessionById(em, session.id);
        return { error: unauthorized('This refresh token was already used, so the session has been revoked; sign in again.', 'refresh_token_reused') };
      }
      return { session };
    });
    if ('error' in outcome) throw outcome.error;
    return outcome.session;
  }

  /** A refresh may move the session to another of the user's tenants, unless it began with SSO. */
  private async tenantAfterRefresh(session: Session, wanted: string | undefined): Promise<string> {
    if (!wanted) return session.tenantId;
    if (wanted !== session.tenantId && session.authMethod === 'sso') {
      throw forbidden('A session that began with SSO stays in the tenant of its connection; sign in to the other tenant.', 'sso_session_tenant_locked');
    }
    const mfaEnrolled = await inIdentity(this.deps.orm, async (em) => !!(await getUser(em, session.userId)).totpEnabledAt);
    return this.chooseTenant(session.userId, wanted, { method: session.authMethod, mfaEnrolled });
  }

  /**
   * The tenant a password sign-in (or a session's switch) lands in. A tenant that requires SSO
   * refuses passwords, except from its break-glass owners: owners with two-factor authentication.
   */
  private async chooseTenant(userId: string, wanted: string | undefined, how: { method: 'password' | 'sso'; mfaEnrolled: boolean }): Promise<string> {
    const memberships = await findMembershipsOfUser(this.deps.orm.em.fork(), userId);
    const chosen = wanted ? memberships.find((m) => m.tenant_id === wanted) : memberships[0];
    if (!chosen) {
      throw wanted
        ? forbidden(`You are not a member of tenant '${wanted}'.`, 'not_a_member')
        : forbidden('This account is not a member of any tenant.', 'not_a_member');
    }
    if (chosen.tenant_status === 'suspended') throw forbidden('This tenant is suspended.', 'tenant_suspended');
    if (chosen.tenant_sso_required && how.method === 'password' && !(chosen.role === 'owner' && how.mfaEnrolled)) {
      throw forbidden(
        `Tenant '${chosen.tenant_id}' requires single sign-on: start at GET /v1/sso/authorize?tenant=${chosen.tenant_id}. Only owners with two-factor authentication may use a password.`,
        'sso_required',
      );
    }
    return chosen.tenant_id;
  }

  private async issueTokens(em: EntityManager, user: User, session: Session): Promise<AuthTokens> {
    const refresh = `rt_${randomToken(40)}`;
    await insertRefreshToken(em, session, keyedHash(this.deps.config.secret, refresh));
    const ttl = this.deps.config.accessTokenTtlSeconds;
    return {
      object: 'auth_tokens',
      token_type: 'Bearer',
      access_token: await signAccessToken(this.deps.config.secret, { sub: user.id, sid: session.id, ten: session.tenantId }, ttl),
      expires_in: ttl,
      refresh_token: refresh,
      session_id: session.id,
      tenant_id: session.tenantId,
      user: toUserDto(user),
    };
  }
}
