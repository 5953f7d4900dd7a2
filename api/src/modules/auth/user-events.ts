import type { EntityManager } from '@mikro-orm/postgresql';
import { enterTenant, systemGrant } from '../../core/db/unit-of-work.js';
import { record, userOrigin, type Change } from '../../core/events/record.js';
import type { UserDto } from './auth.dto.js';
import { findMembershipsOfUser } from './auth.repository.js';
import type { User } from './auth.entity.js';

export interface Client {
  requestId: string;
  ip?: string;
  userAgent?: string;
}

export function toUserDto(u: User): UserDto {
  return {
    id: u.id,
    object: 'user',
    email: u.email,
    name: u.name,
    email_verified: !!u.emailVerifiedAt,
    mfa_enabled: !!u.totpEnabledAt,
    created_at: u.createdAt.toISOString(),
  };
}

/** A user belongs to no single tenant: user-level changes are recorded in every tenant they are a member of. */
export async function recordForUser(em: EntityManager, client: Client, userId: string, c: Change): Promise<void> {
  const memberships = await findMembershipsOfUser(em, userId);
  for (const { tenant_id } of memberships) {
    await enterTenant(em, systemGrant(tenant_id, 'a user-level change is recorded in each tenant of the user'));
    await record(em, tenant_id, userOrigin(userId, client), [c]);
  }
}
