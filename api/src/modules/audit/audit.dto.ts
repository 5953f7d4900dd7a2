import type { AuditLogDto } from '../../core/events/record.js';

export type { AuditLogDto };

export interface AuditLogRow {
  id: string;
  tenant_id: string;
  seq: string | number;
  occurred_at: Date | string;
  actor: AuditLogDto['actor'];
  action: string;
  target_type: string | null;
  target_id: string | null;
  ip: string | null;
  user_agent: string | null;
  request_id: string | null;
  changes: Record<string, unknown> | null;
  prev_hash: string;
  hash: string;
}

export function toAuditDto(r: AuditLogRow): AuditLogDto {
  return {
    id: r.id,
    object: 'audit_log',
    tenant_id: r.tenant_id,
    seq: Number(r.seq),
    occurred_at: new Date(r.occurred_at).toISOString(),
    actor: r.actor,
    action: r.action,
    target: r.target_type && r.target_id ? { type: r.target_type, id: r.target_id } : null,
    ip: r.ip,
    user_agent: r.user_agent,
    request_id: r.request_id,
    changes: r.changes,
    hash: r.hash,
    prev_hash: r.prev_hash,
  };
}

export interface AuditChainBreak {
  seq: number;
  /** The entry where the chain breaks (null when the break is a missing entry). */
  id: string | null;
  reason: 'hash_mismatch' | 'prev_hash_mismatch' | 'sequence_gap' | 'head_mismatch';
  detail: string;
}

export interface AuditLogVerification {
  object: 'audit_log_verification';
  /** True when every retained entry hashes to its stored hash and links to the one before it. */
  intact: boolean;
  entries_checked: number;
  /** The first retained entry (older ones were removed by retention). */
  first_seq: number | null;
  last_seq: number | null;
  /** Where the chain breaks first, when it does. */
  break: AuditChainBreak | null;
  /**
   * Entries written but not sealed into the chain yet (committed while this verification ran): they are
   * sealed within a second, and covered by the next verification.
   */
  pending: number;
}

export interface AuditLogFilter {
  /**
   * Only entries by this actor (a user or API key id).
   * @maxLength 64
   */
  actor?: string;
  /**
   * An action (`customer.updated`) or a prefix wildcard (`customer.*`).
   * @maxLength 100
   */
  action?: string;
  /**
   * Only entries about this object id.
   * @maxLength 64
   */
  target?: string;
  /** @maxLength 40 */
  created_gte?: Date;
  /** @maxLength 40 */
  created_lt?: Date;
}

export interface AuditExportCreate {
  format: 'csv' | 'ndjson';
  filter?: AuditLogFilter;
}

export interface AuditExportDto {
  /** @example "aex_01JDA4Y7Q5X3M8N2P6R9T0V1W2" */
  id: string;
  object: 'audit_log_export';
  status: 'pending' | 'running' | 'succeeded' | 'failed';
  format: 'csv' | 'ndjson';
  filter: AuditLogFilter;
  /** Entries the export covers; null until the job starts. */
  total_rows: number | null;
  exported_rows: number;
  /** From 0 to 1. */
  progress: number;
  /** Where to download the file (with the same credentials) once `status` is `succeeded`. */
  download_url: string | null;
  error: string | null;
  created_at: string;
  completed_at: string | null;
  /** The file is deleted after this time. */
  expires_at: string | null;
}
