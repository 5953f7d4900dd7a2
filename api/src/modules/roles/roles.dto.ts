import type { PermissionName } from '../../core/auth/permissions.js';
import type { Role } from './roles.entity.js';

export interface RoleDto {
  /** System roles have fixed ids such as `role_admin`. @example "role_01JDA4Y7Q5X3M8N2P6R9T0V1W2" */
  id: string;
  object: 'role';
  /** What memberships and invitations name. @example "support_agent" */
  key: string;
  /** @example "Support agent" */
  name: string;
  description: string | null;
  /** @example ["customers:read", "customers:write"] */
  permissions: string[];
  /** System roles are the same in every tenant and cannot be changed. */
  system: boolean;
  created_at: string | null;
  updated_at: string | null;
}

export interface RoleCreate {
  /**
   * Lower-case letters, digits, `_` and `-`; not the key of a system role.
   * @pattern ^[a-z][a-z0-9_-]{1,39}$ must be 2-40 lower-case letters, digits, _ or -, starting with a letter
   * @maxLength 40
   * @example "support_agent"
   */
  key: string;
  /**
   * @minLength 1
   * @maxLength 100
   * @example "Support agent"
   */
  name: string;
  /** @maxLength 500 */
  description?: string;
  /**
   * Permissions from `GET /v1/permissions`; you can only grant permissions you hold.
   * @maxItems 100
   * @example ["customers:read", "customers:write"]
   */
  permissions: PermissionName[];
}

export interface RoleUpdate {
  /**
   * @minLength 1
   * @maxLength 100
   */
  name?: string;
  /** @maxLength 500 */
  description?: string | null;
  /** @maxItems 100 */
  permissions?: PermissionName[];
}

export interface PermissionDto {
  object: 'permission';
  /** @example "customers:write" */
  id: string;
  description: string;
}

export interface PermissionList {
  object: 'list';
  data: PermissionDto[];
  has_more: false;
  next_cursor: null;
}

export interface RoleList {
  object: 'list';
  data: RoleDto[];
  has_more: boolean;
  next_cursor: string | null;
}

export function toRoleDto(r: Role): RoleDto {
  return {
    id: r.id,
    object: 'role',
    key: r.key,
    name: r.name,
    description: r.description,
    permissions: r.permissions,
    system: false,
    created_at: r.createdAt.toISOString(),
    updated_at: r.updatedAt.toISOString(),
  };
}
