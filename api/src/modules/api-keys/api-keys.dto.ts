import type { PermissionName } from '../../core/auth/permissions.js';
import type { ApiKey } from './api-keys.entity.js';

export interface ApiKeyDto {
  /** @example "key_01JDA4Y7Q5X3M8N2P6R9T0V1W2" */
  id: string;
  object: 'api_key';
  /** @example "CI deploys" */
  name: string;
  mode: 'live' | 'test';
  /** What the secret starts with; shown with `last4` so people can recognise a key. @example "sk_live_" */
  prefix: string;
  /** @example "x9Qz" */
  last4: string;
  /** @example ["customers:read", "customers:write"] */
  scopes: string[];
  /** Requests per minute for this key; null uses the default. */
  rate_limit: number | null;
  expires_at: string | null;
  last_used_at: string | null;
  /** When a roll's grace period ends for the previous secret. */
  previous_secret_expires_at: string | null;
  created_at: string;
}

/** Returned once, on create and roll: the only time the secret is shown. */
export interface ApiKeyWithSecret extends ApiKeyDto {
  /** @example "sk_live_4eC39HqLyjWDarjtT1zdp7dc" */
  secret: string;
}

export interface ApiKeyCreate {
  /**
   * @minLength 1
   * @maxLength 100
   * @example "CI deploys"
   */
  name: string;
  /**
   * Permissions the key holds: a subset of yours. See `GET /v1/permissions`.
   * @minItems 1
   * @maxItems 100
   * @example ["customers:read", "customers:write"]
   */
  scopes: PermissionName[];
  /**
   * When the key stops working; must be in the future.
   * @maxLength 40
   */
  expires_at?: Date;
  /**
   * Requests per minute for this key, overriding the default.
   * @minimum 1
   * @maximum 100000
   */
  rate_limit?: number;
}

export interface ApiKeyRoll {
  /**
   * How long the previous secret keeps working, in seconds (at most 7 days). Default 0: it stops at once.
   * @minimum 0
   * @maximum 604800
   */
  grace_period_seconds?: number;
}

export interface DeletedApiKey {
  id: string;
  object: 'api_key';
  deleted: true;
}

export function toApiKeyDto(k: ApiKey): ApiKeyDto {
  return {
    id: k.id,
    object: 'api_key',
    name: k.name,
    mode: k.mode,
    prefix: `sk_${k.mode}_`,
    last4: k.last4,
    scopes: k.scopes,
    rate_limit: k.rateLimit,
    expires_at: k.expiresAt?.toISOString() ?? null,
    last_used_at: k.lastUsedAt?.toISOString() ?? null,
    previous_secret_expires_at: k.previousSecretHash && k.previousExpiresAt && k.previousExpiresAt > new Date() ? k.previousExpiresAt.toISOString() : null,
    created_at: k.createdAt.toISOString(),
  };
}
