import type { Permission } from './permissions.js';
import { forbidden } from '../http/errors.js';
import type { Grant } from '../db/unit-of-work.js';

/** Who is calling, for which tenant, with what rights. Built once per request by authentication. */
export interface Principal {
  /** The tenant the request acts in (the credential's own, or a descendant named by `Plinth-Tenant`). */
  tenantId: string;
  /** The tenant that owns the credential. */
  credentialTenantId: string;
  actor: { type: 'api_key' | 'user'; id: string };
  userId?: string;
  sessionId?: string;
  apiKeyId?: string;
  permissions: ReadonlySet<string>;
  mode: 'live' | 'test';
  /** Requests per minute for this credential. */
  rateLimit: number;
  /** Set when the tenant requires two-factor authentication and this user has not enrolled yet. */
  restriction?: 'mfa_enrollment_required';
}

export interface Ctx {
  principal: Principal;
  requestId: string;
  ip?: string;
  userAgent?: string;
}

/** A principal whose permission was checked: what `inTenant` accepts. */
export type Granted = Principal & Grant;

/** The first statement of every service method. */
export function authorize(ctx: Ctx, permission: Permission): Granted {
  if (!ctx.principal.permissions.has(permission)) {
    throw forbidden(`This credential lacks the '${permission}' permission.`, 'missing_permission');
  }
  return ctx.principal as Granted;
}
