import { Readable } from 'node:stream';
import type { EntityManager } from '@mikro-orm/postgresql';
import { authorize, type Ctx } from '../../core/auth/principal.js';
import type { Deps } from '../../core/deps.js';
import { inTenant, systemGrant } from '../../core/db/unit-of-work.js';
import { auditHash, enqueue, GENESIS_HASH, originOf, record } from '../../core/events/record.js';
import { badRequest, conflict, notFound } from '../../core/http/errors.js';
import { pageParams, toList, type List } from '../../core/http/pagination.js';
import { isId, newId } from '../../core/ids.js';
import {
  toAuditDto,
  type AuditChainBreak,
  type AuditExportCreate,
  type AuditExportDto,
  type AuditLogDto,
  type AuditLogFilter,
  type AuditLogVerification,
} from './audit.dto.js';
import {
  appendToExport,
  chainHead,
  completeExport,
  countMatchingEntries,
  entriesAfter,
  entriesNewestFirst,
  exportById,
  exportContent,
  filterSql,
  insertExport,
  markExportFailed,
  matchingEntriesAfter,
  pendingCount,
  startExport,
  type ExportRow,
} from './audit.repository.js';
import { sealBeforeReading } from './audit.sealer.js';

export const EXPORT_QUEUE = 'audit-export';
const EXPORT_CHUNK = 1000;
const EXPORT_TTL_DAYS = 7;

function checkRange(filter: AuditLogFilter): void {
  if (filter.created_gte && filter.created_lt && new Date(filter.created_gte) >= new Date(filter.created_lt)) {
    throw badRequest('invalid_range', 'created_gte must be earlier than created_lt.');
  }
}

const CSV_COLUMNS = [
  'id',
  'seq',
  'occurred_at',
  'actor_type',
  'actor_id',
  'action',
  'target_type',
  'target_id',
  'ip',
  'user_agent',
  'request_id',
  'changes',
  'hash',
];

function csvCell(value: unknown): string {
  const text = value === null || value === undefined ? '' : typeof value === 'string' ? value : JSON.stringify(value);
  // Leading =, +, - or @ would run as a formula in a spreadsheet: prefix them.
  const safe = /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function formatEntries(format: 'csv' | 'ndjson', entries: AuditLogDto[]): string {
  if (format === 'ndjson') return entries.map((e) => JSON.stringify(e) + '\n').join('');
  return entries
    .map(
      (e) =>
        [e.id, e.seq, e.occurred_at, e.actor.type, e.actor.id, e.action, e.target?.type, e.target?.id, e.ip, e.user_agent, e.request_id, e.changes, e.hash]
          .map(csvCell)
          .join(',') + '\n',
    )
    .join('');
}

export class AuditService {
  constructor(private readonly deps: Deps) {}

  async list(ctx: Ctx, query: AuditLogFilter & { limit?: number; startingAfter?: string }): Promise<List<AuditLogDto>> {
    const grant = authorize(ctx, 'audit_logs:read');
    const page = pageParams(query.limit, query.startingAfter);
    checkRange(query);
    const { where, params } = filterSql(query);
    if (page.startingAfter) {
      where.push('id < ?');
      params.push(page.startingAfter);
    }
    return inTenant(this.deps.orm, grant, async (em) => {
      await sealBeforeReading(em, grant.tenantId);
      const rows = await entriesNewestFirst(em, where, params, page.limit + 1);
      return toList(rows, page, toAuditDto);
    });
  }

  /** Recomputes the tenant's hash chain from its first retained entry to the chain head. */
  async verify(ctx: Ctx): Promise<AuditLogVerification> {
    const grant = authorize(ctx, 'audit_logs:read');
    return inTenant(this.deps.orm, grant, async (em) => {
      await sealBeforeReading(em, grant.tenantId);
      return { ...(await verifyChain(em)), pending: await pendingCount(em) };
    });
  }

  async createExport(ctx: Ctx, input: AuditExportCreate): Promise<AuditExportDto> {
    const grant = authorize(ctx, 'audit_logs:read');
    const { tenantId } = grant;
    const filter = input.filter ?? {};
    checkRange(filter);
    return inTenant(this.deps.orm, grant, async (em) => {
      const id = newId('auditExport');
      await insertExport(em, { id, tenantId, format: input.format, filter });
      await enqueue(em, tenantId, EXPORT_QUEUE, { exportId: id, tenantId });
      await record(em, tenantId, originOf(ctx), [
        { action: 'audit_log_export.created', target: { type: 'audit_log_export', id }, changes: { format: input.format, filter } },
      ]);
      return this.toExportDto(await this.findExport(em, id));
    });
  }

  async getExport(ctx: Ctx, id: string): Promise<AuditExportDto> {
    const grant = authorize(ctx, 'audit_logs:read');
    return inTenant(this.deps.orm, grant, async (em) => this.toExportDto(await this.findExport(em, id)));
  }

  async download(ctx: Ctx, id: string): Promise<{ format: 'csv' | 'ndjson'; body: Readable }> {
    const grant = authorize(ctx, 'audit_logs:read');
    return inTenant(this.deps.orm, grant, async (em) => {
      const row = await this.findExport(em, id);
      if (row.status !== 'succeeded') throw conflict('export_not_ready', `This export is ${row.status}; download it once its status is succeeded.`);
      const content = await exportContent(em, id);
      if (content === null || content === undefined) throw notFound('audit_log_export file', id);
      const header = row.format === 'csv' ? CSV_COLUMNS.join(',') + '\n' : '';
      return { format: row.format, body: Readable.from([header + content]) };
    });
  }

  /** The export job: pages through the matching entries in chunks, recording progress as it goes. */
  async runExport(tenantId: string, id: string): Promise<void> {
    const grant = systemGrant(tenantId, 'the export job runs for the tenant that asked for it');
    const row = await inTenant(this.deps.orm, grant, (em) => this.findExport(em, id));
    if (row.status === 'succeeded') return;
    const { where, params } = filterSql(row.filter);
    const clause = where.length ? `and ${where.join(' and ')}` : '';
    await inTenant(this.deps.orm, grant, async (em) => {
      await sealBeforeReading(em, tenantId);
      await startExport(em, id, await countMatchingEntries(em, clause, params));
    });
    let afterSeq = 0;
    for (;;) {
      const done = await inTenant(this.deps.orm, grant, async (em) => {
        const rows = await matchingEntriesAfter(em, afterSeq, clause, params, EXPORT_CHUNK);
        if (!rows.length) return true;
        afterSeq = Number(rows[rows.length - 1]!.seq);
        await appendToExport(em, id, formatEntries(row.format, rows.map(toAuditDto)), rows.length);
        return rows.length < EXPORT_CHUNK;
      });
      if (done) break;
    }
    await inTenant(this.deps.orm, grant, (em) => completeExport(em, id, EXPORT_TTL_DAYS));
  }

  async failExport(tenantId: string, id: string, reason: string): Promise<void> {
    const grant = systemGrant(tenantId, 'the export job records its own failure');
    await inTenant(this.deps.orm, grant, (em) => markExportFailed(em, id, reason));
  }

  private async findExport(em: EntityManager, id: string): Promise<ExportRow> {
    const row = isId('auditExport', id) ? await exportById(em, id) : undefined;
    if (!row) throw notFound('audit_log_export', id);
    return row;
  }

  private toExportDto(r: ExportRow): AuditExportDto {
    const base = this.deps.config.publicUrl ?? `http://localhost:${this.deps.config.port}`;
    const total = r.total_rows;
    return {
      id: r.id,
      object: 'audit_log_export',
      status: r.status,
      format: r.format,
      filter: r.filter,
      total_rows: total,
      exported_rows: r.exported_rows,
      progress: r.status === 'succeeded' ? 1 : total ? Math.min(1, r.exported_rows / total) : 0,
      download_url: r.status === 'succeeded' ? `${base}/v1/audit-logs/exports/${r.id}/download` : null,
      error: r.error,
      created_at: new Date(r.created_at).toISOString(),
      completed_at: r.completed_at ? new Date(r.completed_at).toISOString() : null,
      expires_at: r.expires_at ? new Date(r.expires_at).toISOString() : null,
    };
  }
}

const VERIFY_CHUNK = 2000;

/** Walks the chain in `seq` order inside the caller's tenant transaction. */
export async function verifyChain(em: EntityManager): Promise<Omit<AuditLogVerification, 'pending'>> {
  const head = await chainHead(em);
  let checked = 0;
  let first: number | null = null;
  let last: number | null = null;
  let prevHash: string | null = null;
  let broken: AuditChainBreak | null = null;
  let afterSeq = 0;
  outer: for (;;) {
    const rows = await entriesAfter(em, afterSeq, VERIFY_CHUNK);
    if (!rows.length) break;
    for (const row of rows) {
      const e = toAuditDto(row);
      checked += 1;
      if (first === null) {
        first = e.seq;
        // The oldest entries may have been removed by retention: the first retained one anchors the walk.
        prevHash = e.seq === 1 ? GENESIS_HASH : e.prev_hash;
      } else if (e.seq !== last! + 1) {
        broken = { seq: last! + 1, id: null, reason: 'sequence_gap', detail: `entries ${last! + 1} to ${e.seq - 1} are missing` };
        break outer;
      }
      if (e.prev_hash !== prevHash) {
        broken = { seq: e.seq, id: e.id, reason: 'prev_hash_mismatch', detail: 'this entry does not link to the entry before it' };
        break outer;
      }
      const { object: _o, hash: _h, prev_hash: _p, ...content } = e;
      if (auditHash(prevHash!, content) !== e.hash) {
        broken = { seq: e.seq, id: e.id, reason: 'hash_mismatch', detail: 'the stored entry does not match its hash: it was altered' };
        break outer;
      }
      prevHash = e.hash;
      last = e.seq;
    }
    afterSeq = last!;
  }
  if (!broken && head && (Number(head.seq) !== (last ?? 0) || (last !== null && head.hash !== prevHash))) {
    broken = {
      seq: Number(head.seq),
      id: null,
      reason: 'head_mismatch',
      detail: `the chain head is at ${head.seq} but the last entry found is ${last ?? 'none'}`,
    };
  }
  return { object: 'audit_log_verification', intact: !broken, entries_checked: checked, first_seq: first, last_seq: last, break: broken };
}
