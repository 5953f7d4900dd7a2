/** The catalogue of `resource:action` permissions. Roles and API key scopes draw from it. */
export const PERMISSIONS = {
  'tenants:read': 'View this tenant and the tenants below it.',
  'tenants:write': 'Create, update, suspend and resume tenants below this one.',
  'members:read': 'List members of the tenant.',
  'members:write': 'Change member roles and remove members.',
  'owners:write': 'Grant or revoke the owner role.',
  'roles:read': 'List system and custom roles.',
  'roles:write': 'Create, update and delete custom roles.',
  'invitations:read': 'List invitations.',
  'invitations:write': 'Invite people and revoke invitations.',
  'api_keys:read': 'List API keys (never their secrets).',
  'api_keys:write': 'Create, roll and revoke API keys.',
  'customers:read': 'Read customers.',
  'customers:write': 'Create, update and delete customers.',
  'events:read': 'List events and event types.',
  'webhooks:read': 'List webhook endpoints and their deliveries.',
  'webhooks:write': 'Create, update, delete and test webhook endpoints; retry and replay deliveries.',
  'audit_logs:read': 'Read, verify and export the audit log.',
  'sso:read': 'View SSO connections and SCIM tokens (never their secrets).',
  'sso:write': 'Create, change and delete SSO connections and SCIM tokens; set the SSO policy.',
} as const;

export type Permission = keyof typeof PERMISSIONS;
export const ALL_PERMISSIONS = Object.keys(PERMISSIONS) as Permission[];

export function isPermission(value: string): value is Permission {
  return Object.hasOwn(PERMISSIONS, value);
}

const read = ALL_PERMISSIONS.filter((p) => p.endsWith(':read'));

/** System roles: fixed permission sets, present in every tenant, not editable. */
export const SYSTEM_ROLES: Record<string, { name: string; description: string; permissions: Permission[] }> = {
  owner: { name: 'Owner', description: 'Full access, including ownership.', permissions: ALL_PERMISSIONS },
  admin: {
    name: 'Admin',
    description: 'Full access except granting or revoking ownership.',
    permissions: ALL_PERMISSIONS.filter((p) => p !== 'owners:write'),
  },
  developer: {
    name: 'Developer',
    description: 'API keys and product data; reads the rest.',
    permissions: [...read.filter((p) => p !== 'audit_logs:read'), 'api_keys:write', 'customers:write', 'webhooks:write'],
  },
  member: {
    name: 'Member',
    description: 'Works with product data.',
    permissions: ['tenants:read', 'members:read', 'roles:read', 'customers:read', 'customers:write'],
  },
  viewer: { name: 'Viewer', description: 'Read-only access.', permissions: read.filter((p) => p !== 'api_keys:read' && p !== 'audit_logs:read') },
  billing: { name: 'Billing', description: 'Billing administration.', permissions: ['tenants:read', 'members:read'] },
};

export const SYSTEM_ROLE_KEYS = Object.keys(SYSTEM_ROLES);

/**
 * A permission id such as `customers:read` (see `GET /v1/permissions`).
 * @example "customers:read"
 * @maxLength 64
 * @pattern ^[a-z_]+:[a-z_]+$
 */
export type PermissionName = string;
