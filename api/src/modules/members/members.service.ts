import { LockMode, type EntityManager } from '@mikro-orm/postgresql';
import { authorize, type Ctx, type Principal } from '../../core/auth/principal.js';
import type { Deps } from '../../core/deps.js';
import { inTenant } from '../../core/db/unit-of-work.js';
import { forbidden, notFound, unprocessable } from '../../core/http/errors.js';
import { keysetWhere, pageParams, toList, type List } from '../../core/http/pagination.js';
import { isId, newId } from '../../core/ids.js';
import { originOf, record, type Change } from '../../core/events/record.js';
import { change } from '../../core/events/change.js';
import { usersById, type User } from '../auth/index.js';
import type { RolesService } from '../roles/index.js';
import type { MemberDto, MemberUpdate } from './members.dto.js';
import { Membership } from './members.entity.js';
import { countMembersWithRole, membershipOfUser } from './members.repository.js';

/** What just-in-time provisioning did to the user's membership. */
export interface JitOutcome {
  outcome: 'provisioned' | 'updated' | 'unchanged' | 'deactivated';
  changes: Change[];
}

export function toMemberDto(m: Membership, user: User): MemberDto {
  return {
    id: m.id,
    object: 'member',
    user: { id: user.id, email: user.email, name: user.name },
    role: m.role,
    status: m.status,
    created_at: m.createdAt.toISOString(),
    updated_at: m.updatedAt.toISOString(),
  };
}

export class MembersService {
  constructor(
    private readonly deps: Deps,
    private readonly roles: RolesService,
  ) {}

  async list(ctx: Ctx, query: { limit?: number; startingAfter?: string }): Promise<List<MemberDto>> {
    const grant = authorize(ctx, 'members:read');
    const page = pageParams(query.limit, query.startingAfter);
    return inTenant(this.deps.orm, grant, async (em) => {
      const rows = await em.find(Membership, keysetWhere(page), { orderBy: { id: 'desc' }, limit: page.limit + 1 });
      const users = await usersById(
        em,
        rows.map((r) => r.userId),
      );
      return toList(rows, page, (m) => toMemberDto(m, users.get(m.userId)!));
    });
  }

  async get(ctx: Ctx, id: string): Promise<MemberDto> {
    const grant = authorize(ctx, 'members:read');
    return inTenant(this.deps.orm, grant, async (em) => {
      const m = await this.find(em, id);
      return toMemberDto(m, (await usersById(em, [m.userId])).get(m.userId)!);
    });
  }

  async update(ctx: Ctx, id: string, input: MemberUpdate): Promise<MemberDto> {
    const principal = authorize(ctx, 'members:write');
    return inTenant(this.deps.orm, principal, async (em) => {
      const m = await this.find(em, id);
      await this.checkAssignable(em, principal, input.role);
      if (m.role === 'owner' || input.role === 'owner') this.requireOwnerRights(principal);
      if (m.role === 'owner' && input.role !== 'owner') await this.assertNotLastOwner(em);
      const previousRole = m.role;
      m.role = input.role;
      await em.flush();
      const dto = toMemberDto(m, (await usersById(em, [m.userId])).get(m.userId)!);
      if (previousRole !== m.role) await record(em, principal.tenantId, originOf(ctx), [change('member.updated', dto, { role: previousRole })]);
      return dto;
    });
  }

  async remove(ctx: Ctx, id: string): Promise<{ id: string; object: 'member'; deleted: true }> {
    const principal = authorize(ctx, 'members:write');
    return inTenant(this.deps.orm, principal, async (em) => {
      const m = await this.find(em, id);
      if (m.role === 'owner') {
        this.requireOwnerRights(principal);
        await this.assertNotLastOwner(em);
      }
      const dto = toMemberDto(m, (await usersById(em, [m.userId])).get(m.userId)!);
      await em.remove(m).flush();
      await record(em, principal.tenantId, originOf(ctx), [change('member.deleted', dto)]);
      return { id, object: 'member', deleted: true };
    });
  }

  /** For signup and invitations, inside their transaction (tenant already set). */
  add(em: EntityManager, tenantId: string, userId: string, role: string): Membership {
    const m = em.create(Membership, { id: newId('membership'), tenantId, userId, role });
    em.persist(m);
    return m;
  }

  roleKeyForLabel(em: EntityManager, label: string): Promise<string | undefined> {
    return this.roles.keyForLabel(em, label);
  }

  permissionsOfRole(em: EntityManager, key: string): Promise<string[] | undefined> {
    return this.roles.permissionsOf(em, key);
  }

  async roleExists(em: EntityManager, key: string): Promise<boolean> {
    return !!(await this.roles.permissionsOf(em, key));
  }

  async findByUser(em: EntityManager, userId: string): Promise<Membership | null> {
    return em.findOne(Membership, { userId, status: 'active' });
  }

  /** The auth module's port (see MembershipWriter): what a session's user may do in its tenant. */
  async permissionsOfUser(em: EntityManager, userId: string): Promise<string[] | null> {
    const membership = await this.findByUser(em, userId);
    return (membership && (await this.roles.permissionsOf(em, membership.role))) ?? null;
  }

  /**
   * Just-in-time provisioning (SSO): gives the user the membership the identity provider's groups map
   * to, inside the caller's unit of work, and returns the changes to record. The last owner keeps the
   * owner role whatever the IdP says; a deactivated member (SCIM) stays out.
   */
  async provisionJustInTime(em: EntityManager, tenantId: string, user: User, role: string): Promise<JitOutcome> {
    const membership = await membershipOfUser(em, user.id);
    if (!membership) {
      const created = this.add(em, tenantId, user.id, role);
      await em.flush();
      return { outcome: 'provisioned', changes: [change('member.provisioned', toMemberDto(created, user))] };
    }
    if (membership.status === 'deactivated') return { outcome: 'deactivated', changes: [] };
    if (membership.role === role || (membership.role === 'owner' && (await countMembersWithRole(em, 'owner')) <= 1)) {
      return { outcome: 'unchanged', changes: [] };
    }
    const previous = membership.role;
    membership.role = role;
    await em.flush();
    return { outcome: 'updated', changes: [change('member.updated', toMemberDto(membership, user), { role: previous })] };
  }

  /** The auth module's port: signup's owner membership, flushed with the rest of the unit of work. */
  async addRecorded(em: EntityManager, tenantId: string, user: User, role: string): Promise<Change> {
    const member = this.add(em, tenantId, user.id, role);
    await em.flush();
    return change('member.created', toMemberDto(member, user));
  }

  /** The role must exist in the tenant and grant nothing the caller lacks. */
  async checkAssignable(em: EntityManager, principal: Principal, role: string): Promise<string[]> {
    const permissions = await this.roles.permissionsOf(em, role);
    if (!permissions)
      throw unprocessable('unknown_role', `No role with key '${role}' exists in this tenant.`, [
        { path: 'role', message: 'must be a role key from GET /v1/roles' },
      ]);
    this.roles.checkGrant(principal, permissions, 'role');
    return permissions;
  }

  private requireOwnerRights(principal: Principal): void {
    if (!principal.permissions.has('owners:write')) throw forbidden('Only owners can grant or revoke the owner role.', 'missing_permission');
  }

  /** Locks the owners' rows so that two concurrent demotions cannot both pass. */
  private async assertNotLastOwner(em: EntityManager): Promise<void> {
    const owners = await em.find(Membership, { role: 'owner' }, { lockMode: LockMode.PESSIMISTIC_WRITE });
    if (owners.length <= 1) throw unprocessable('last_owner', 'A tenant must keep at least one owner: make someone else an owner first.');
  }

  private async find(em: EntityManager, id: string): Promise<Membership> {
    const m = isId('membership', id) ? await em.findOne(Membership, { id }) : null;
    if (!m) throw notFound('member', id);
    return m;
  }
}
