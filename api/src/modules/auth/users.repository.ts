import type { EntityManager } from '@mikro-orm/postgresql';
import { escapeLike } from '../../core/db/sql.js';
import { Session, User } from './auth.entity.js';

/** The auth module's read API for other modules: users by id or email, never its tables directly. */
export async function usersById(em: EntityManager, ids: string[]): Promise<Map<string, User>> {
  if (!ids.length) return new Map();
  const users = await em.find(User, { id: { $in: [...new Set(ids)] } });
  return new Map(users.map((u) => [u.id, u]));
}

export async function userByEmail(em: EntityManager, email: string): Promise<User | null> {
  return em.findOne(User, { email: { $ilike: escapeLike(email) } });
}

/** Ends a user's sessions in one tenant (SCIM deprovisioning); their other tenants are untouched. */
export function revokeSessionsInTenant(em: EntityManager, userId: string, tenantId: string): Promise<number> {
  return em.nativeUpdate(Session, { userId, tenantId, revokedAt: null }, { revokedAt: new Date() });
}
