import type { EntityManager } from '@mikro-orm/postgresql';
import { newId } from '../../core/ids.js';
import { EmailToken, RefreshToken, Session, User, type EmailTokenPurpose } from './auth.entity.js';

// The auth module's own queries: users, sessions, refresh tokens and email tokens. What other modules
// may read of users is users.repository.ts.

export interface UserMembership {
  id: string;
  tenant_id: string;
  role: string;
  tenant_name: string;
  tenant_kind: string;
  tenant_status: string;
  tenant_sso_required: boolean;
}

/** A user's memberships across tenants (a narrow SECURITY DEFINER look-up: no tenant is set yet). */
export function findMembershipsOfUser(em: EntityManager, userId: string): Promise<UserMembership[]> {
  return em.execute<UserMembership[]>('select * from plinth_user_memberships(?)', [userId]);
}

export async function platformTenantId(em: EntityManager): Promise<string> {
  const [row] = await em.execute<{ id: string }[]>('select plinth_platform_tenant() as id');
  if (!row?.id) throw new Error('the platform tenant is missing: bootstrap did not run');
  return row.id;
}

export function getUser(em: EntityManager, id: string): Promise<User> {
  return em.findOneOrFail(User, { id });
}

export async function insertUser(em: EntityManager, input: { email: string; name: string; passwordHash: string | null; verified: boolean }): Promise<User> {
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

export async function insertSession(em: EntityManager, input: Omit<Session, 'id' | 'createdAt' | 'lastUsedAt' | 'revokedAt'>): Promise<Session> {
  const session = em.create(Session, { id: newId('session'), ...input });
  await em.persist(session).flush();
  return session;
}

export function findSession(em: EntityManager, id: string): Promise<Session | null> {
  return em.findOne(Session, { id });
}

export function getSession(em: EntityManager, id: string): Promise<Session> {
  return em.findOneOrFail(Session, { id });
}

/** The user's live sessions, newest first (at most 100). */
export function activeSessionsOfUser(em: EntityManager, userId: string): Promise<Session[]> {
  return em.find(Session, { userId, revokedAt: null, expiresAt: { $gt: new Date() } }, { orderBy: { id: 'desc' }, limit: 100 });
}

export function revokeSessionById(em: EntityManager, id: string): Promise<number> {
  return em.nativeUpdate(Session, { id }, { revokedAt: new Date() });
}

/** Revokes one of the user's own sessions; 0 when it is not theirs or already revoked. */
export function revokeSessionOfUser(em: EntityManager, id: string, userId: string): Promise<number> {
  return em.nativeUpdate(Session, { id, userId, revokedAt: null }, { revokedAt: new Date() });
}

export function revokeAllSessionsOfUser(em: EntityManager, userId: string): Promise<number> {
  return em.nativeUpdate(Session, { userId, revokedAt: null }, { revokedAt: new Date() });
}

export async function insertRefreshToken(em: EntityManager, session: Session, tokenHash: string): Promise<void> {
  em.persist(em.create(RefreshToken, { id: newId('refreshToken'), sessionId: session.id, tokenHash, expiresAt: session.expiresAt }));
  await em.flush();
}

export function findRefreshToken(em: EntityManager, tokenHash: string): Promise<RefreshToken | null> {
  return em.findOne(RefreshToken, { tokenHash });
}

/** Marks the token used; 0 when another request used it first. */
export function claimRefreshToken(em: EntityManager, id: string): Promise<number> {
  return em.nativeUpdate(RefreshToken, { id, usedAt: null }, { usedAt: new Date() });
}

export async function insertEmailToken(
  em: EntityManager,
  input: { userId: string; purpose: EmailTokenPurpose; tokenHash: string; expiresAt: Date },
): Promise<void> {
  em.persist(em.create(EmailToken, { id: newId('emailToken'), ...input }));
  await em.flush();
}

export function findEmailToken(em: EntityManager, tokenHash: string, purpose: EmailTokenPurpose): Promise<EmailToken | null> {
  return em.findOne(EmailToken, { tokenHash, purpose });
}
