import type { EntityManager } from '@mikro-orm/postgresql';
import type { Deps } from '../../core/deps.js';
import { change } from '../../core/events/change.js';
import { isId, newId } from '../../core/ids.js';
import { usersById } from '../auth/index.js';
import { type MembersService, toMemberDto } from '../members/index.js';
import { connectionGroupRole } from '../sso/index.js';
import { ScimGroup } from './scim.entity.js';
import { GROUP, ScimError, list, memberIds, operations, parseFilter, scimBaseUrl, type Json, type Paging, type PatchOperation } from './scim.protocol.js';
import {
  addGroupMember,
  findGroup,
  findGroups,
  findMembership,
  groupMemberIds,
  groupsOfMembership,
  membershipsByIds,
  removeGroupMember,
} from './scim.repository.js';
import { defaultRole, type ScimScope } from './scim.service.js';

/** What SCIM Groups need from the members module: roles by label, and what each role may do. */
export type ScimGroupPorts = Pick<MembersService, 'roleKeyForLabel' | 'permissionsOfRole'>;

/**
 * SCIM Groups map to roles by name: a member gets the strongest role their groups map to (an SSO
 * connection's group mapping, else a role of that key or name), or the default role without one.
 */
export class ScimGroupsService {
  constructor(
    private readonly deps: Deps,
    private readonly members: ScimGroupPorts,
  ) {}

  async list(s: ScimScope, query: { filter: unknown; withMembers: boolean } & Paging): Promise<Json> {
    const filter = parseFilter(query.filter, { displayname: 'displayName', externalid: 'externalId' });
    const where = filter ? (filter.attr === 'displayName' ? { displayName: filter.value } : { externalId: filter.value }) : {};
    const rows = await findGroups(s.em, where);
    const page = rows.slice(query.start - 1, query.start - 1 + query.count);
    return list(rows.length, query.start, await Promise.all(page.map((g) => this.resource(s, g, query.withMembers))));
  }

  async create(s: ScimScope, body: Json): Promise<Json> {
    if (typeof body.displayName !== 'string' || !body.displayName.trim()) throw new ScimError(400, 'displayName is required.', 'invalidValue');
    if ((await findGroups(s.em, { displayName: body.displayName })).length) {
      throw new ScimError(409, `A group named ${body.displayName} exists.`, 'uniqueness');
    }
    const g = s.em.create(ScimGroup, {
      id: newId('scimGroup'),
      tenantId: s.tenantId,
      displayName: body.displayName.slice(0, 200),
      externalId: typeof body.externalId === 'string' ? body.externalId : null,
    });
    await s.em.persist(g).flush();
    await this.setMembers(s, g, memberIds(body.members), []);
    return this.resource(s, g);
  }

  async get(s: ScimScope, id: string, withMembers: boolean): Promise<Json> {
    return this.resource(s, await this.find(s, id), withMembers);
  }

  /** PUT: the display name and the member list follow the body. */
  async replace(s: ScimScope, id: string, body: Json): Promise<Json> {
    const g = await this.find(s, id);
    if (typeof body.displayName === 'string' && body.displayName.trim()) g.displayName = body.displayName.slice(0, 200);
    await s.em.flush();
    const current = await groupMemberIds(s.em, g.id);
    const wanted = memberIds(body.members);
    await this.setMembers(
      s,
      g,
      wanted,
      current.filter((id) => !wanted.includes(id)),
    );
    await this.recomputeRoles(s, current);
    return this.resource(s, g);
  }

  async patch(s: ScimScope, id: string, body: unknown): Promise<Json> {
    const g = await this.find(s, id);
    for (const op of operations(body)) await this.apply(s, g, op);
    await s.em.flush();
    // Okta and Entra accept 204 for group PATCH; returning the group is the richer answer.
    return this.resource(s, g);
  }

  /** Deleting a group recomputes its former members' roles. */
  async remove(s: ScimScope, id: string): Promise<void> {
    const g = await this.find(s, id);
    const current = await groupMemberIds(s.em, g.id);
    await s.em.remove(g).flush();
    await this.recomputeRoles(s, current);
  }

  /** One PATCH operation: members added, removed (also by `members[value eq "..."]`) or replaced; renames. */
  private async apply(s: ScimScope, g: ScimGroup, op: PatchOperation): Promise<void> {
    const filtered = op.path ? /^members\[value eq "([^"]+)"\]$/.exec(op.path) : null;
    if (filtered && op.op === 'remove') await this.setMembers(s, g, [], [filtered[1]!]);
    else if (op.path === 'members' && op.op === 'add') await this.setMembers(s, g, memberIds(op.value), []);
    else if (op.path === 'members' && op.op === 'remove') await this.setMembers(s, g, [], memberIds(op.value));
    else if (op.path === 'members' && op.op === 'replace') await this.setMembers(s, g, memberIds(op.value), await groupMemberIds(s.em, g.id));
    else if (op.path === 'displayName' || (!op.path && op.value && typeof op.value === 'object')) {
      await this.rename(s, g, op.path ? op.value : (op.value as Json).displayName);
    } else if (op.path === 'externalId') g.externalId = typeof op.value === 'string' ? op.value : null;
    else throw new ScimError(400, `Unsupported PATCH operation ${op.op} ${op.path ?? ''} on a Group.`, 'invalidPath');
  }

  /** A new name may map to another role: the members' roles follow. */
  private async rename(s: ScimScope, g: ScimGroup, name: unknown): Promise<void> {
    if (typeof name !== 'string' || !name.trim()) return;
    g.displayName = name.slice(0, 200);
    await s.em.flush();
    await this.recomputeRoles(s, await groupMemberIds(s.em, g.id));
  }

  private async setMembers(s: ScimScope, g: ScimGroup, add: string[], remove: string[]): Promise<void> {
    for (const id of add) {
      if (!isId('membership', id) || !(await findMembership(s.em, id))) throw new ScimError(400, `No User '${id}' in this tenant.`, 'invalidValue');
      await addGroupMember(s.em, s.tenantId, g.id, id);
    }
    for (const id of remove) await removeGroupMember(s.em, g.id, id);
    await this.recomputeRoles(s, [...add, ...remove]);
  }

  /** After group membership changes: each affected member gets the strongest role their groups map to. */
  private async recomputeRoles(s: ScimScope, membershipIds: string[]): Promise<void> {
    for (const id of new Set(membershipIds)) {
      const m = await findMembership(s.em, id);
      if (!m || m.role === 'owner') continue; // owners are managed by hand
      const role = (await this.strongestRole(s.em, id)) ?? (await defaultRole(s.em));
      if (role === m.role) continue;
      const previous = m.role;
      m.role = role;
      await s.em.flush();
      const user = (await usersById(s.em, [m.userId])).get(m.userId)!;
      s.changes.push(change('member.updated', toMemberDto(m, user), { role: previous }));
    }
  }

  /** Of the roles a membership's groups map to, the one with the most permissions (never owner). */
  private async strongestRole(em: EntityManager, membershipId: string): Promise<string | undefined> {
    let best: { role: string; weight: number } | undefined;
    for (const g of await groupsOfMembership(em, membershipId)) {
      const role = await this.roleOf(em, g.display_name);
      const permissions = role ? await this.members.permissionsOfRole(em, role) : undefined;
      if (role && role !== 'owner' && permissions && (!best || permissions.length > best.weight)) best = { role, weight: permissions.length };
    }
    return best?.role;
  }

  /** The role a group name maps to: a connection's group mapping, else a role of that key or name. */
  private async roleOf(em: EntityManager, displayName: string): Promise<string | undefined> {
    return (await connectionGroupRole(em, displayName)) ?? this.members.roleKeyForLabel(em, displayName);
  }

  private async find(s: ScimScope, id: string): Promise<ScimGroup> {
    const g = isId('scimGroup', id) ? await findGroup(s.em, id) : null;
    if (!g) throw new ScimError(404, `No Group '${id}' in this tenant.`);
    return g;
  }

  private async resource(s: ScimScope, g: ScimGroup, withMembers = true): Promise<Json> {
    const memberships = withMembers ? await membershipsByIds(s.em, await groupMemberIds(s.em, g.id)) : [];
    const users = await usersById(
      s.em,
      memberships.map((m) => m.userId),
    );
    const base = scimBaseUrl(this.deps.config);
    return {
      schemas: [GROUP],
      id: g.id,
      externalId: g.externalId ?? undefined,
      displayName: g.displayName,
      ...(withMembers ? { members: memberships.map((m) => ({ value: m.id, display: users.get(m.userId)?.email, $ref: `${base}/Users/${m.id}` })) } : {}),
      meta: { resourceType: 'Group', created: g.createdAt.toISOString(), lastModified: g.updatedAt.toISOString(), location: `${base}/Groups/${g.id}` },
    };
  }
}
