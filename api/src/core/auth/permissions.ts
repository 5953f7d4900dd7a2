/**
 * The `resource:action` permissions the compiler knows. Each module adds its own from its manifest:
 *
 * ```ts
 * declare module '../../core/auth/permissions.js' {
 *   interface Permissions extends PermissionsOf<typeof permissions> {}
 * }
 * ```
 *
 * At run time the catalogue (descriptions, system-role grants) is the registry's (`deps.registry`).
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface Permissions {}

export type Permission = keyof Permissions & string;

/** The augmentation helper: a module's permission table as the set of its keys. */
export type PermissionsOf<T> = { [K in keyof T]: true };

/**
 * A permission id such as `customers:read` (see `GET /v1/permissions`).
 * @example "customers:read"
 * @maxLength 64
 * @pattern ^[a-z_]+:[a-z_]+$
 */
export type PermissionName = string;
