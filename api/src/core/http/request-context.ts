import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Request, RequestHandler } from 'express';
import helmet from 'helmet';
import type { Logger } from 'pino';
import { pinoHttp } from 'pino-http';
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

/** When the request arrived (`performance.now()`), for the duration on its log line. */
const STARTED = Symbol('started');
type Timed = ServerResponse & { [STARTED]?: number };

/** The request log line: the method, the path without its query, status and duration; nothing else. */
function requestLine(req: IncomingMessage, res: Timed) {
  const started = res[STARTED] ?? performance.now();
  return { method: req.method, path: (req as Request).path, status: res.statusCode, ms: Math.round((performance.now() - started) * 10) / 10 };
}

/** pino-http would otherwise serialise the whole request and response into a child logger per request. */
const omit = () => undefined;

/**
 * Every response carries `Request-Id`, and every log line of the request carries it too (`req.log`).
 * One line per request (pino-http): method, path, status and duration, never headers or bodies, so
 * no secret can reach the log.
 */
export function requestContext(log: Logger): RequestHandler {
  return pinoHttp({
    logger: log,
    genReqId: (_req, res: Timed) => {
      const id = newRequestId();
      res.setHeader('Request-Id', id);
      res[STARTED] = performance.now();
      return id;
    },
    customAttributeKeys: { reqId: 'request_id' },
    quietReqLogger: true,
    quietResLogger: true,
    wrapSerializers: false,
    serializers: { req: omit, res: omit },
    customSuccessObject: requestLine,
    customErrorObject: requestLine,
    customSuccessMessage: (_req, res) => (res.writableEnded ? 'request' : 'request aborted'),
    customErrorMessage: (_req, res) => (res.writableEnded ? 'request' : 'request aborted'),
  });
}

/**
 * The API's responses are JSON for programs: they send exactly these headers. Helmet's other defaults
 * (Content-Security-Policy, the Cross-Origin-* policies, Origin-Agent-Cluster...) are for HTML
 * documents, and a CSP here would also cover Swagger UI at /docs and the developer portal at /portal,
 * whose pages run inline scripts.
 */
const helmetHeaders = helmet({
  xContentTypeOptions: true,
  xFrameOptions: { action: 'deny' },
  referrerPolicy: { policy: 'no-referrer' },
  strictTransportSecurity: { maxAge: 31_536_000, includeSubDomains: true, preload: false },
  contentSecurityPolicy: false,
  crossOriginEmbedderPolicy: false,
  crossOriginOpenerPolicy: false,
  crossOriginResourcePolicy: false,
  originAgentCluster: false,
  xDnsPrefetchControl: false,
  xDownloadOptions: false,
  xPermittedCrossDomainPolicies: false,
  xPoweredBy: false,
  xXssProtection: false,
});

/** Security headers, and `Cache-Control: no-store` (/docs and /portal set their own caching after this). */
export const securityHeaders: RequestHandler = (req, res, next) => {
  res.setHeader('Cache-Control', 'no-store');
  helmetHeaders(req, res, next);
};
