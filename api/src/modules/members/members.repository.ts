import type { EntityManager } from '@mikro-orm/postgresql';
import { Membership } from './members.entity.js';

/** The members module's read API for other modules. */
export function countMembersWithRole(em: EntityManager, role: string): Promise<number> {
  return em.count(Membership, { role });
}

/** A user's membership in the transaction's tenant, whatever its status. */
export function membershipOfUser(em: EntityManager, userId: string): Promise<Membership | null> {
  return em.findOne(Membership, { userId });
}

/** Owners who can still sign in with a password when SSO is required: they have two-factor authentication. */
export async function breakGlassOwners(em: EntityManager): Promise<number> {
  const [row] = await em.execute<{ n: string }[]>(
    `select count(*) as n from memberships m join users u on u.id = m.user_id
      where m.tenant_id = current_setting('app.tenant_id', true) and m.role = 'owner' and m.status = 'active' and u.totp_enabled_at is not null`,
  );
  return Number(row?.n ?? 0);
}
