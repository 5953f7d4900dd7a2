import type { Metadata } from '../../core/http/validation.js';
import type { Tenant, TenantKind, TenantStatus } from './tenants.entity.js';

/**
 * An absolute URL SSO sign-ins may return to.
 * @maxLength 2000
 * @example "https://app.acme.com/sso/callback"
 */
export type RedirectUri = string;

export interface TenantDto {
  /** @example "ten_01JDA4Y7Q5X3M8N2P6R9T0V1W2" */
  id: string;
  object: 'tenant';
  /** @example "Acme Inc." */
  name: string;
  kind: TenantKind;
  /** The tenant directly above this one; null for the platform. */
  parent_id: string | null;
  status: TenantStatus;
  /** Audit log entries older than this many days are deleted. */
  audit_log_retention_days: number;
  /** Members must use two-factor authentication: until they enrol, their sessions only reach `/v1/me`, sessions and MFA enrolment (403 `mfa_enrollment_required`). */
  mfa_required: boolean;
  /** Members must sign in through an SSO connection; password sign-in is refused (403 `sso_required`) except for owners with two-factor authentication (break-glass). */
  sso_required: boolean;
  /** Where SSO sign-ins may return: exact URLs that `GET /v1/sso/authorize` accepts as `redirect_uri`. */
  sso_redirect_uris: string[];
  metadata: Metadata;
  /** @example "2026-11-22T10:00:00.000Z" */
  created_at: string;
  updated_at: string;
}

export interface TenantCreate {
  /**
   * @minLength 1
   * @maxLength 200
   * @example "Acme Inc."
   */
  name: string;
  /** `reseller` tenants can have tenants of their own; only the platform creates them. Default `standard`. */
  kind?: 'reseller' | 'standard';
  metadata?: Metadata;
}

export interface TenantUpdate {
  /**
   * @minLength 1
   * @maxLength 200
   */
  name?: string;
  /**
   * Audit log entries older than this many days are deleted (1 to 3650).
   * @isInt
   * @minimum 1
   * @maximum 3650
   */
  audit_log_retention_days?: number;
  /** Require two-factor authentication of members who sign in with a session (API keys are unaffected). */
  mfa_required?: boolean;
  /**
   * Require SSO of members. Needs an active SSO connection and at least one owner with two-factor
   * authentication, who stays able to sign in with a password if the identity provider fails.
   */
  sso_required?: boolean;
  /**
   * Exact URLs SSO sign-ins may return to (https, or http on localhost for development). Replaces the list.
   * @maxItems 20
   */
  sso_redirect_uris?: RedirectUri[];
  /** Keys set to "" are removed. */
  metadata?: Metadata;
}

export function toTenantDto(t: Tenant): TenantDto {
  return {
    id: t.id,
    object: 'tenant',
    name: t.name,
    kind: t.kind,
    parent_id: t.parentId,
    status: t.status,
    audit_log_retention_days: t.auditRetentionDays,
    mfa_required: t.mfaRequired,
    sso_required: t.ssoRequired,
    sso_redirect_uris: t.ssoRedirectUris,
    metadata: t.metadata,
    created_at: t.createdAt.toISOString(),
    updated_at: t.updatedAt.toISOString(),
  };
}
