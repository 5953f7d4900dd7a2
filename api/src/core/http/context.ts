import type { Request } from 'express';
import type { Ctx } from '../auth/principal.js';
import { unauthorized } from './errors.js';

/** The service context of an authenticated request (tsoa's `@Security` ran before the controller). */
export function ctxOf(req: Request): Ctx {
  if (!req.principal) throw unauthorized('This operation needs credentials.');
  return { principal: req.principal, requestId: req.id, ip: req.ip, userAgent: req.get('user-agent') };
}

/** For public operations: who is asking, without a principal. */
export function clientOf(req: Request): { requestId: string; ip?: string; userAgent?: string } {
  return { requestId: req.id, ip: req.ip, userAgent: req.get('user-agent') };
}
