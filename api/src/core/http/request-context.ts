import type { RequestHandler } from 'express';
import type { Logger } from 'pino';
import { monotonicFactory } from 'ulid';
import { pooledRandom } from '../random.js';

const next = monotonicFactory(pooledRandom);

/** A new `req_` id (time-ordered), also for answers written before Express runs. */
export const newRequestId = () => `req_${next()}`;

declare module 'express-serve-static-core' {
  interface Request {
    id: string;
    log: Logger;
  }
}

/**
 * Every response carries `Request-Id`, and every log line of the request carries it too. We log the
 * method, the path without its query, status and duration: never headers or bodies, so no secret can
 * reach the log.
 */
export function requestContext(log: Logger): RequestHandler {
  return (req, res, nextMw) => {
    req.id = newRequestId();
    req.log = log.child({ request_id: req.id });
    res.setHeader('Request-Id', req.id);
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      req.log.info({ method: req.method, path: req.path, status: res.statusCode, ms: Math.round(ms * 10) / 10 }, 'request');
    });
    nextMw();
  };
}

export const securityHeaders: RequestHandler = (_req, res, next) => {
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('X-Frame-Options', 'DENY');
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.setHeader('Strict-Transport-Security', 'max-age=31536000; includeSubDomains');
  res.setHeader('Cache-Control', 'no-store');
  next();
};
