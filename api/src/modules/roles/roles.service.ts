import type { EntityManager } from '@mikro-orm/postgresql';
import { SYSTEM_ROLE_KEYS, type Registry, type SystemRoleKey } from '../../core/module.js';
import { authorize, type Ctx, type Principal } from '../../core/auth/principal.js';
import type { Deps } from '../../core/deps.js';
import { inTenant } from '../../core/db/unit-of-work.js';
import { conflict, forbidden, notFound, unprocessable, type FieldError } from '../../core/http/errors.js';
import { assertValid } from '../../core/http/validation.js';
import { isId, newId } from '../../core/ids.js';
import { originOf, previousAttributes, record } from '../../core/events/record.js';
import { change } from '../../core/events/change.js';
import type { RoleHolders } from './module.js';
import { toRoleDto, type PermissionList, type RoleCreate, type RoleDto, type RoleList, type RoleUpdate } from './roles.dto.js';
import { Role } from './roles.entity.js';

/** The fixed roles every tenant has; what each may do is the sum of the modules' grants. */
const SYSTEM_ROLE_INFO: Record<SystemRoleKey, { name: string; description: string }> = {
  owner: { name: 'Owner', description: 'Full access, including ownership.' },
  admin: { name: 'Admin', description: 'Full access except granting or revoking ownership.' },
  developer: { name: 'Developer', description: 'API keys and product data; reads the rest.' },
  member: { name: 'Member', description: 'Works with product data.' },
  viewer: { name: 'Viewer', description: 'Read-only access.' },
  billing: { name: 'Billing', description: 'Billing administration.' },
};

interface SystemRole {
  name: string;
  description: string;
  permissions: string[];
}

function systemRoles(registry: Registry): Record<string, SystemRole> {
  return Object.fromEntries(SYSTEM_ROLE_KEYS.map((key) => [key, { ...SYSTEM_ROLE_INFO[key], permissions: registry.grants[key] }]));
}

function systemRoleDto(key: string, r: SystemRole): RoleDto {
  return {
    id: `role_${key}`,
    object: 'role',
    key,
    name: r.name,
    description: r.description,
    permissions: [...r.permissions],
    system: true,
    created_at: null,
    updated_at: null,
  };
}

export class RolesService {
  private readonly system: Record<string, SystemRole>;

  constructor(
    private readonly deps: Deps,
    private readonly holders: () => RoleHolders,
  ) {
    this.system = systemRoles(deps.registry);
  }

  permissions(ctx: Ctx): PermissionList {
    authorize(ctx, 'roles:read');
    return {
      object: 'list',
      data: Object.entries(this.deps.registry.permissions).map(([id, description]) => ({ object: 'permission' as const, id, description })),
      has_more: false,
      next_cursor: null,
    };
  }

  /** System roles first, then the tenant's custom roles (a tenant has at most a few hundred). */
  async list(ctx: Ctx): Promise<RoleList> {
    const grant = authorize(ctx, 'roles:read');
    const custom = await inTenant(this.deps.orm, grant, (em) => em.find(Role, {}, { orderBy: { id: 'asc' }, limit: 500 }));
    return {
      object: 'list',
      data: [...SYSTEM_ROLE_KEYS.map((key) => systemRoleDto(key, this.system[key]!)), ...custom.map(toRoleDto)],
      has_more: false,
      next_cursor: null,
    };
  }

  async get(ctx: Ctx, id: string): Promise<RoleDto> {
    const grant = authorize(ctx, 'roles:read');
    const key = id.startsWith('role_') ? id.slice(5) : '';
    if (Object.hasOwn(this.system, key)) return systemRoleDto(key, this.system[key]!);
    return inTenant(this.deps.orm, grant, async (em) => toRoleDto(await this.find(em, id)));
  }

  async create(ctx: Ctx, input: RoleCreate): Promise<RoleDto> {
    const principal = authorize(ctx, 'roles:write');
    if (Object.hasOwn(this.system, input.key)) {
      throw unprocessable('role_key_reserved', `'${input.key}' is a system role key.`, [{ path: 'key', message: 'is reserved for a system role' }]);
    }
    const permissions = this.checkGrant(principal, input.permissions);
    return inTenant(this.deps.orm, principal, async (em) => {
      if (await em.count(Role, { key: input.key })) throw conflict('role_exists', `A role with key '${input.key}' already exists.`);
      const role = em.create(Role, {
        id: newId('role'),
        tenantId: principal.tenantId,
        key: input.key,
        name: input.name,
        description: input.description ?? null,
        permissions,
      });
      await em.persist(role).flush();
      const dto = toRoleDto(role);
      await record(em, principal.tenantId, originOf(ctx), [change('role.created', dto)]);
      return dto;
    });
  }

  async update(ctx: Ctx, id: string, input: RoleUpdate): Promise<RoleDto> {
    const principal = authorize(ctx, 'roles:write');
    this.assertCustom(id);
    const permissions = input.permissions ? this.checkGrant(principal, input.permissions) : undefined;
    return inTenant(this.deps.orm, principal, async (em) => {
      const role = await this.find(em, id);
      this.checkGrant(principal, role.permissions);
      const before = toRoleDto(role);
      if (input.name !== undefined) role.name = input.name;
      if (input.description !== undefined) role.description = input.description;
      if (permissions) role.permissions = permissions;
      await em.flush();
      const dto = toRoleDto(role);
      const previous = previousAttributes(before, dto);
      if (previous) await record(em, principal.tenantId, originOf(ctx), [change('role.updated', dto, previous)]);
      return dto;
    });
  }

  async delete(ctx: Ctx, id: string): Promise<{ id: string; object: 'role'; deleted: true }> {
    const principal = authorize(ctx, 'roles:write');
    this.assertCustom(id);
    return inTenant(this.deps.orm, principal, async (em) => {
      const role = await this.find(em, id);
      const inUse = await this.holders().countWithRole(em, role.key);
      if (inUse) throw conflict('role_in_use', `${inUse} member(s) still have the role '${role.key}'; give them another role first.`);
      const dto = toRoleDto(role);
      await em.remove(role).flush();
      await record(em, principal.tenantId, originOf(ctx), [change('role.deleted', dto)]);
      return { id, object: 'role', deleted: true };
    });
  }

  /** The key of the tenant's role whose key or name is `label` (case-insensitive), if any. */
  async keyForLabel(em: EntityManager, label: string): Promise<string | undefined> {
    const lower = label.toLowerCase();
    const system = Object.entries(this.system).find(([key, r]) => key === lower || r.name.toLowerCase() === lower);
    if (system) return system[0];
    const custom = await em.find(Role, {}, { fields: ['key', 'name'] });
    return custom.find((r) => r.key.toLowerCase() === lower || r.name.toLowerCase() === lower)?.key;
  }

  /** The permissions of a role key in the transaction's tenant, or undefined if no such role. */
  async permissionsOf(em: EntityManager, key: string): Promise<string[] | undefined> {
    if (Object.hasOwn(this.system, key)) return this.system[key]!.permissions;
    return (await em.findOne(Role, { key }))?.permissions;
  }

  /** Nobody grants more than they hold: every permission must be known and held by the caller. */
  checkGrant(principal: Principal, permissions: string[], path = 'permissions'): string[] {
    const errors: FieldError[] = permissions
      .filter((p) => !Object.hasOwn(this.deps.registry.permissions, p))
      .map((p) => ({ path, message: `'${p}' is not a permission; see GET /v1/permissions` }));
    assertValid(errors);
    const beyond = permissions.filter((p) => !principal.permissions.has(p));
    if (beyond.length) throw forbidden(`You cannot grant permissions you do not hold: ${beyond.join(', ')}.`, 'permission_escalation');
    return [...new Set(permissions)].sort();
  }

  private assertCustom(id: string): void {
    if (id.startsWith('role_') && Object.hasOwn(this.system, id.slice(5))) {
      throw forbidden('System roles cannot be changed or deleted; create a custom role instead.', 'system_role_immutable');
    }
  }

  private async find(em: EntityManager, id: string): Promise<Role> {
    const role = isId('role', id) ? await em.findOne(Role, { id }) : null;
    if (!role) throw notFound('role', id);
    return role;
  }
}
