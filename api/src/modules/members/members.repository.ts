import type { EntityManager } from '@mikro-orm/postgresql';
import { Membership } from './members.entity.js';

/** The members module's read API for other modules. */
export function countMembersWithRole(em: EntityManager, role: string): Promise<number> {
  return em.count(Membership, { role });
}
