import { UniqueConstraintViolationException, type EntityManager } from '@mikro-orm/postgresql';
import type { Ctx } from '../../core/auth/principal.js';
import { keyedHash, randomToken, signAccessToken } from '../../core/auth/tokens.js';
import type { Deps } from '../../core/deps.js';
import { enterTenant, inIdentity, inTenant, systemGrant } from '../../core/db/unit-of-work.js';
import { originOf, record, userOrigin, type Change } from '../../core/events/record.js';
import { change } from '../../core/events/change.js';
import { buildTenant, toTenantDto } from '../tenants/index.js';
import { recordForUser, toUserDto, type Client } from './user-events.js';

export { toUserDto, type Client };
import { conflict, forbidden, notFound, unauthorized, unprocessable } from '../../core/http/errors.js';
import { newId } from '../../core/ids.js';
import type { MembershipWriter } from './module.js';
import { EmailToken, RefreshToken, Session, User, type EmailTokenPurpose } from './auth.entity.js';
import type { MfaService } from './mfa.service.js';
import type { MfaLogin } from './mfa.dto.js';
import type {
  Accepted,
  AuthTokens,
  MfaChallenge,
  Login,
  Me,
  MembershipSummary,
  PasswordResetConfirm,
  Refresh,
  SessionDto,
  Signup,
  UserDto,
} from './auth.dto.js';
import { hashPassword, verifyPassword } from './passwords.js';
import { userByEmail } from './users.repository.js';

export interface UserMembership {
  id: string;
  tenant_id: string;
  role: string;
  tenant_name: string;
  tenant_kind: string;
  tenant_status: string;
  tenant_sso_required: boolean;
}

/** How a session began: SSO sessions stay in their connection's tenant. */
export interface SessionOrigin {
  method: 'password' | 'sso';
  connectionId?: string;
}

function signedIn(sessionId: string): Change {
  return { action: 'user.signed_in', target: { type: 'session', id: sessionId } };
}

const EMAIL_TOKEN_TTL: Record<EmailTokenPurpose, number> = { verify_email: 48 * 3600, password_reset: 3600 };

/**
 * Password sign-up and sign-in, rotating refresh tokens, sessions, email verification and password
 * reset. Session routes need no permission: a user always manages their own sessions.
 */
export class AuthService {
  constructor(
    private readonly deps: Deps,
    private readonly memberships: MembershipWriter,
    private readonly mfa: MfaService,
  ) {}

  /** Creates the user, a standard tenant under the platform and an owner membership, in one transaction. */
  async signup(client: Client, input: Signup): Promise<AuthTokens> {
    const passwordHash = await hashPassword(input.password);
    const tenantId = newId('tenant');
    const platformId = await this.platformId();
    try {
      const tokens = await inTenant(this.deps.orm, systemGrant(tenantId, 'signing up creates the tenant'), async (em) => {
        if (await userByEmail(em, input.email)) throw this.emailTaken();
        const tenant = buildTenant(em, { id: tenantId, name: input.tenant_name, kind: 'standard', parent: { id: platformId, path: [] } });
        const user = await this.createUser(em, { email: input.email, name: input.name, passwordHash, verified: false });
        const memberCreated = await this.memberships.add(em, tenantId, user, 'owner');
        const tokens = await this.startSession(em, user, tenantId, client);
        await record(em, tenantId, userOrigin(user.id, client), [
          change('tenant.created', toTenantDto(tenant)),
          change('user.created', toUserDto(user)),
          memberCreated,
          signedIn(tokens.session_id),
        ]);
        return tokens;
      });
      await this.sendEmailToken(tokens.user.id, input.email, 'verify_email');
      return tokens;
    } catch (err) {
      if (err instanceof UniqueConstraintViolationException) throw this.emailTaken();
      throw err;
    }
  }

  async login(client: Client, input: Login): Promise<AuthTokens | MfaChallenge> {
    const throttleKey = `${client.ip ?? 'unknown'}|${input.email.toLowerCase()}`;
    await this.deps.limits.assertLoginAllowed(throttleKey);
    const user = await inIdentity(this.deps.orm, (em) => userByEmail(em, input.email));
    if (!(await verifyPassword(user?.passwordHash, input.password)) || !user) {
      await this.deps.limits.recordLoginFailure(throttleKey);
      throw unauthorized('The email or password is incorrect.', 'invalid_credentials');
    }
    await this.deps.limits.recordLoginSuccess(throttleKey);
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

  /** Rotates the refresh token. Presenting an already-used one revokes the whole session (token theft). */
  async refresh(client: Client, input: Refresh): Promise<AuthTokens> {
    const tokenHash = keyedHash(this.deps.config.secret, input.refresh_token);
    const outcome = await inIdentity(this.deps.orm, async (em) => {
      const token = await em.findOne(RefreshToken, { tokenHash });
      const session = token && (await em.findOne(Session, { id: token.sessionId }));
      if (!token || !session || session.revokedAt || session.expiresAt <= new Date() || token.expiresAt <= new Date()) {
        return { error: unauthorized('The refresh token is invalid or expired; sign in again.', 'invalid_refresh_token') };
      }
      const claimed = await em.nativeUpdate(RefreshToken, { id: token.id, usedAt: null }, { usedAt: new Date() });
      if (!claimed) {
        await em.nativeUpdate(Session, { id: session.id }, { revokedAt: new Date() });
        return { error: unauthorized('This refresh token was already used, so the session has been revoked; sign in again.', 'refresh_token_reused') };
      }
      return { session };
    });
    if ('error' in outcome) throw outcome.error;
    const { session: current } = outcome;
    if (input.tenant_id && input.tenant_id !== current.tenantId && current.authMethod === 'sso') {
      throw forbidden('A session that began with SSO stays in the tenant of its connection; sign in to the other tenant.', 'sso_session_tenant_locked');
    }
    const tenantId = input.tenant_id
      ? await this.chooseTenant(current.userId, input.tenant_id, { method: current.authMethod, mfaEnrolled: await this.mfaEnrolled(current.userId) })
      : current.tenantId;
    return inIdentity(this.deps.orm, async (em) => {
      const session = await em.findOneOrFail(Session, { id: outcome.session.id });
      const user = await em.findOneOrFail(User, { id: session.userId });
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
    const user = await inIdentity(this.deps.orm, (em) => em.findOneOrFail(User, { id: userId! }));
    const memberships = await this.membershipsOf(userId!);
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
    const sessions = await inIdentity(this.deps.orm, (em) =>
      em.find(Session, { userId: userId!, revokedAt: null, expiresAt: { $gt: new Date() } }, { orderBy: { id: 'desc' }, limit: 100 }),
    );
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
      const revoked = await em.nativeUpdate(Session, { id, userId: ctx.principal.userId!, revokedAt: null }, { revokedAt: new Date() });
      if (!revoked) throw notFound('session', id);
      await enterTenant(em, systemGrant(ctx.principal.tenantId, 'a user may always revoke their own sessions'));
      await record(em, ctx.principal.tenantId, originOf(ctx), [{ action, target: { type: 'session', id } }]);
    });
    return { id, object: 'session', deleted: true };
  }

  async requestEmailVerification(ctx: Ctx): Promise<Accepted> {
    const user = await inIdentity(this.deps.orm, (em) => em.findOneOrFail(User, { id: ctx.principal.userId! }));
    if (user.emailVerifiedAt) throw conflict('email_already_verified', 'This email address is already verified.');
    await this.sendEmailToken(user.id, user.email, 'verify_email');
    return { object: 'accepted', message: 'A verification email is on its way.' };
  }

  async confirmEmailVerification(client: Client, token: string): Promise<UserDto> {
    return inIdentity(this.deps.orm, async (em) => {
      const user = await this.useEmailToken(em, token, 'verify_email');
      const wasVerified = !!user.emailVerifiedAt;
      user.emailVerifiedAt ??= new Date();
      await em.flush();
      const dto = toUserDto(user);
      if (!wasVerified) await recordForUser(em, client, user.id, change('user.email_verified', dto, { email_verified: false }));
      return dto;
    });
  }

  /** Always answers the same, whether or not the address has an account. */
  async requestPasswordReset(client: Client, email: string): Promise<Accepted> {
    await this.deps.limits.consume('password_reset', `${client.ip ?? 'unknown'}|${email.toLowerCase()}`, 5);
    const user = await inIdentity(this.deps.orm, (em) => userByEmail(em, email));
    if (user) await this.sendEmailToken(user.id, user.email, 'password_reset');
    return { object: 'accepted', message: 'If an account exists for this address, we sent it an email.' };
  }

  /** Sets the new password and signs the user out everywhere. */
  async confirmPasswordReset(client: Client, input: PasswordResetConfirm): Promise<void> {
    const passwordHash = await hashPassword(input.password);
    await inIdentity(this.deps.orm, async (em) => {
      const user = await this.useEmailToken(em, input.token, 'password_reset');
      user.passwordHash = passwordHash;
      user.emailVerifiedAt ??= new Date();
      await em.flush();
      await em.nativeUpdate(Session, { userId: user.id, revokedAt: null }, { revokedAt: new Date() });
      await recordForUser(em, client, user.id, change('user.password_changed', toUserDto(user)));
    });
  }

  /** A user's memberships across tenants (a narrow SECURITY DEFINER look-up: no tenant is set yet). */
  async membershipsOf(userId: string): Promise<UserMembership[]> {
    return this.deps.orm.em.fork().execute<UserMembership[]>('select * from plinth_user_memberships(?)', [userId]);
  }

  /** For invitations: a new user, inside the caller's transaction. */
  async createUser(em: EntityManager, input: { email: string; name: string; passwordHash: string | null; verified: boolean }): Promise<User> {
    const user = em.create(User, {
      id: newId('user'),
      email: input.email,
      name: input.name,
      passwordHash: input.passwordHash,
      emailVerifiedAt: input.verified ? new Date() : null,
    });
    await em.persist(user).flush();
    return user;
  }

  /** Used by invitations after they create a membership, and by SSO once its code is exchanged. */
  async startSessionFor(userId: string, tenantId: string, client: Client, origin: SessionOrigin = { method: 'password' }): Promise<AuthTokens> {
    return inIdentity(this.deps.orm, async (em) => {
      const tokens = await this.startSession(em, await em.findOneOrFail(User, { id: userId }), tenantId, client, origin);
      await enterTenant(em, systemGrant(tenantId, 'the caller (invitation or SSO) verified the user'));
      await record(em, tenantId, userOrigin(userId, client), [signedIn(tokens.session_id)]);
      return tokens;
    });
  }

  /**
   * The tenant a password sign-in (or a session's switch) lands in. A tenant that requires SSO
   * refuses passwords, except from its break-glass owners: owners with two-factor authentication.
   */
  private async chooseTenant(userId: string, wanted: string | undefined, how: { method: 'password' | 'sso'; mfaEnrolled: boolean }): Promise<string> {
    const memberships = await this.membershipsOf(userId);
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

  private async mfaEnrolled(userId: string): Promise<boolean> {
    return inIdentity(this.deps.orm, async (em) => !!(await em.findOneOrFail(User, { id: userId })).totpEnabledAt);
  }

  private async startSession(
    em: EntityManager,
    user: User,
    tenantId: string,
    client: Client,
    origin: SessionOrigin = { method: 'password' },
  ): Promise<AuthTokens> {
    const session = em.create(Session, {
      id: newId('session'),
      userId: user.id,
      tenantId,
      authMethod: origin.method,
      ssoConnectionId: origin.connectionId ?? null,
      ip: client.ip ?? null,
      userAgent: client.userAgent?.slice(0, 500) ?? null,
      expiresAt: new Date(Date.now() + this.deps.config.refreshTokenTtlSeconds * 1000),
    });
    em.persist(session);
    await em.flush();
    return this.issueTokens(em, user, session);
  }

  private async issueTokens(em: EntityManager, user: User, session: Session): Promise<AuthTokens> {
    const refresh = `rt_${randomToken(40)}`;
    em.persist(
      em.create(RefreshToken, {
        id: newId('refreshToken'),
        sessionId: session.id,
        tokenHash: keyedHash(this.deps.config.secret, refresh),
        expiresAt: session.expiresAt,
      }),
    );
    await em.flush();
    const ttl = this.deps.config.accessTokenTtlSeconds;
    return {
      object: 'auth_tokens',
      token_type: 'Bearer',
      access_token: signAccessToken(this.deps.config.secret, { sub: user.id, sid: session.id, ten: session.tenantId }, ttl),
      expires_in: ttl,
      refresh_token: refresh,
      session_id: session.id,
      tenant_id: session.tenantId,
      user: toUserDto(user),
    };
  }

  private async sendEmailToken(userId: string, email: string, purpose: EmailTokenPurpose): Promise<void> {
    const token = `${purpose === 'verify_email' ? 'ev' : 'pr'}_${randomToken(40)}`;
    await inIdentity(this.deps.orm, async (em) => {
      em.persist(
        em.create(EmailToken, {
          id: newId('emailToken'),
          userId,
          purpose,
          tokenHash: keyedHash(this.deps.config.secret, token),
          expiresAt: new Date(Date.now() + EMAIL_TOKEN_TTL[purpose] * 1000),
        }),
      );
      await em.flush();
    });
    const subject = purpose === 'verify_email' ? 'Verify your email address' : 'Reset your password';
    const text =
      purpose === 'verify_email'
        ? `Confirm your email address with this token (valid 48 hours):\n\n${token}\n`
        : `Reset your password with this token (valid 1 hour). If you did not ask for it, ignore this email.\n\n${token}\n`;
    try {
      await this.deps.mailer.send({ to: email, subject, text });
    } catch (err) {
      this.deps.log.error({ err: String(err) }, 'sending mail failed');
    }
  }

  private async useEmailToken(em: EntityManager, token: string, purpose: EmailTokenPurpose): Promise<User> {
    const row = await em.findOne(EmailToken, { tokenHash: keyedHash(this.deps.config.secret, token), purpose });
    if (!row || row.usedAt || row.expiresAt <= new Date()) {
      throw unprocessable('invalid_token', 'This token is invalid, expired or already used; ask for a new one.', [
        { path: 'token', message: 'is invalid, expired or used' },
      ]);
    }
    row.usedAt = new Date();
    return em.findOneOrFail(User, { id: row.userId });
  }

  private emailTaken() {
    return conflict('email_taken', 'An account with this email already exists; sign in instead.');
  }

  private async platformId(): Promise<string> {
    const [row] = await this.deps.orm.em.fork().execute<{ id: string }[]>('select plinth_platform_tenant() as id');
    if (!row?.id) throw new Error('the platform tenant is missing: bootstrap did not run');
    return row.id;
  }
}
