import type { EntityManager } from '@mikro-orm/postgresql';
import { Membership } from '../members/index.js';
import { ScimGroup } from './scim.entity.js';

// ---- tokens: read before any tenant is set ----

/** The live or revoked token with this keyed hash, marking it used (SECURITY DEFINER: no tenant is set yet). */
export async function tokenByHash(em: EntityManager, hash: string): Promise<{ id: string; tenant_id: string; revoked_at: Date | null } | undefined> {
  const [row] = await em.execute<{ id: string; tenant_id: string; revoked_at: Date | null }[]>('select * from plinth_scim_token(?)', [hash]);
  return row;
}

/** Whether the tenant, or a tenant above it, is suspended. */
export async function tenantBlocked(em: EntityManager, tenantId: string): Promise<boolean> {
  const [row] = await em.execute<{ b: boolean }[]>('select plinth_tenant_blocked(array[?]::text[]) as b', [tenantId]);
  return row?.b ?? false;
}

// ---- groups and their members ----

export function findGroup(em: EntityManager, id: string): Promise<ScimGroup | null> {
  return em.findOne(ScimGroup, { id });
}

export function findGroups(em: EntityManager, where: { displayName?: string; externalId?: string }): Promise<ScimGroup[]> {
  return em.find(ScimGroup, where, { orderBy: { id: 'asc' } });
}

/** The groups a membership belongs to. */
export function groupsOfMembership(em: EntityManager, membershipId: string): Promise<{ id: string; display_name: string }[]> {
  return em.execute<{ id: string; display_name: string }[]>(
    'select g.id, g.display_name from scim_groups g join scim_group_members gm on gm.group_id = g.id where gm.membership_id = ?',
    [membershipId],
  );
}

export async function groupMemberIds(em: EntityManager, groupId: string): Promise<string[]> {
  const rows = await em.execute<{ membership_id: string }[]>('select membership_id from scim_group_members where group_id = ?', [groupId]);
  return rows.map((r) => r.membership_id);
}

export async function addGroupMember(em: EntityManager, tenantId: string, groupId: string, membershipId: string): Promise<void> {
  await em.execute('insert into scim_group_members (group_id, membership_id, tenant_id) values (?, ?, ?) on conflict do nothing', [
    groupId,
    membershipId,
    tenantId,
  ]);
}

export async function removeGroupMember(em: EntityManager, groupId: string, membershipId: string): Promise<void> {
  await em.execute('delete from scim_group_members where group_id = ? and membership_id = ?', [groupId, membershipId]);
}

// ---- the members SCIM provisions (the members module's entity, in the transaction's tenant) ----

export function findMembership(em: EntityManager, id: string): Promise<Membership | null> {
  return em.findOne(Membership, { id });
}

export function membershipsOfUser(em: EntityManager, userId: string): Promise<Membership[]> {
  return em.find(Membership, { userId });
}

export function membershipsWithExternalId(em: EntityManager, externalId: string): Promise<Membership[]> {
  return em.find(Membership, { scimExternalId: externalId });
}

export function membershipsByIds(em: EntityManager, ids: string[]): Promise<Membership[]> {
  return ids.length ? em.find(Membership, { id: { $in: ids } }) : Promise.resolve([]);
}

export function allMemberships(em: EntityManager): Promise<Membership[]> {
  return em.find(Membership, {}, { orderBy: { id: 'asc' } });
}
