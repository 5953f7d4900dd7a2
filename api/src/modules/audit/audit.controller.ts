import type { Readable } from 'node:stream';
import type { Request as ExRequest } from 'express';
import { Body, Controller, Get, OperationId, Path, Post, Produces, Query, Request, Response, Route, Security, SuccessResponse, Tags } from '@tsoa/runtime';
import { ctxOf } from '../../core/http/context.js';
import type { List } from '../../core/http/pagination.js';
import type { Problem } from '../../core/http/problem.js';
import type { AuditServices } from './module.js';
import type { AuditExportCreate, AuditExportDto, AuditLogDto, AuditLogVerification } from './audit.dto.js';

@Route('v1/audit-logs')
@Tags('Audit logs')
@Response<Problem>(422, 'Invalid fields')
export class AuditController extends Controller {
  constructor(private readonly services: AuditServices) {
    super();
  }

  /**
   * Lists audit log entries, newest first. Every mutating operation writes one, in the same
   * transaction as the change.
   * @summary List audit log entries
   * @param limit How many to return, 1 to 100 (default 20).
   * @param starting_after The `next_cursor` of the previous page.
   * @param actor Only entries by this user or API key id.
   * @param action An action (`customer.updated`) or a prefix wildcard (`customer.*`).
   * @param target Only entries about this object id.
   * @param created_gte Only entries at or after this time.
   * @maxLength created_gte 40
   * @param created_lt Only entries before this time.
   * @maxLength created_lt 40
   * @isInt limit
   * @minimum limit 1
   * @maximum limit 100
   * @maxLength starting_after 64
   * @maxLength actor 64
   * @maxLength action 100
   * @maxLength target 64
   */
  @Get()
  @OperationId('listAuditLogs')
  @Security('apiKey', ['audit_logs:read'])
  @Security('session', ['audit_logs:read'])
  async listAuditLogs(
    @Request() req: ExRequest,
    @Query() limit?: number,
    @Query() starting_after?: string,
    @Query() actor?: string,
    @Query() action?: string,
    @Query() target?: string,
    @Query() created_gte?: Date,
    @Query() created_lt?: Date,
  ): Promise<List<AuditLogDto>> {
    return this.services.audit.list(ctxOf(req), { limit, startingAfter: starting_after, actor, action, target, created_gte, created_lt });
  }

  /**
   * Recomputes the tenant's hash chain and reports whether it is intact, and where it breaks.
   * @summary Verify the audit log
   */
  @Get('verify')
  @OperationId('verifyAuditLogs')
  @Security('apiKey', ['audit_logs:read'])
  @Security('session', ['audit_logs:read'])
  async verifyAuditLogs(@Request() req: ExRequest): Promise<AuditLogVerification> {
    return this.services.audit.verify(ctxOf(req));
  }

  /**
   * Starts an export of the entries matching a filter, as CSV or NDJSON. Poll it for progress.
   * @summary Export the audit log
   */
  @Post('exports')
  @OperationId('createAuditLogExport')
  @SuccessResponse(202, 'Queued')
  @Response<Problem>(409, 'A request with the same Idempotency-Key is in progress')
  @Security('apiKey', ['audit_logs:read'])
  @Security('session', ['audit_logs:read'])
  async createAuditLogExport(@Request() req: ExRequest, @Body() body: AuditExportCreate): Promise<AuditExportDto> {
    this.setStatus(202);
    return this.services.audit.createExport(ctxOf(req), body);
  }

  /**
   * Retrieves an export: its status, progress and, once done, its download link.
   * @summary Retrieve an audit log export
   * @maxLength id 64
   */
  @Get('exports/{id}')
  @OperationId('getAuditLogExport')
  @Response<Problem>(404, 'No such export')
  @Security('apiKey', ['audit_logs:read'])
  @Security('session', ['audit_logs:read'])
  async getAuditLogExport(@Request() req: ExRequest, @Path() id: string): Promise<AuditExportDto> {
    return this.services.audit.getExport(ctxOf(req), id);
  }

  /**
   * Downloads a finished export (`text/csv` or `application/x-ndjson`).
   * @summary Download an audit log export
   * @maxLength id 64
   */
  @Get('exports/{id}/download')
  @OperationId('downloadAuditLogExport')
  @Produces('text/csv')
  @Produces('application/x-ndjson')
  @Response<Problem>(404, 'No such export')
  @Response<Problem>(409, 'The export has not finished')
  @Security('apiKey', ['audit_logs:read'])
  @Security('session', ['audit_logs:read'])
  async downloadAuditLogExport(@Request() req: ExRequest, @Path() id: string): Promise<Readable> {
    const file = await this.services.audit.download(ctxOf(req), id);
    this.setHeader('Content-Type', file.format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson; charset=utf-8');
    this.setHeader('Content-Disposition', `attachment; filename="audit-log-${id}.${file.format === 'csv' ? 'csv' : 'ndjson'}"`);
    return file.body;
  }
}
