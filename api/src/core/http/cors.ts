import type { RequestHandler } from 'express';

const ALLOWED_HEADERS = 'Authorization, Content-Type, Idempotency-Key, Plinth-Tenant, Plinth-Version';
const EXPOSED_HEADERS = 'Request-Id, Plinth-Version, RateLimit-Limit, RateLimit-Remaining, RateLimit-Reset, Retry-After';

/**
 * CORS for browser front ends (white-label apps call the API directly). Only the origins in
 * CORS_ALLOWED_ORIGINS get CORS headers (`*` allows any); none by default. Credentials are bearer
 * tokens, never cookies, so `Access-Control-Allow-Credentials` is never sent.
 */
export function cors(allowedOrigins: readonly string[]): RequestHandler {
  const any = allowedOrigins.includes('*');
  const allowed = new Set(allowedOrigins);
  if (!allowedOrigins.length) return (_req, _res, next) => next();
  return (req, res, next) => {
    const origin = req.get('origin');
    res.vary('Origin');
    if (!origin || !(any || allowed.has(origin))) return next();
    res.setHeader('Access-Control-Allow-Origin', origin);
    res.setHeader('Access-Control-Expose-Headers', EXPOSED_HEADERS);
    if (req.method === 'OPTIONS' && req.get('access-control-request-method')) {
      res.setHeader('Access-Control-Allow-Methods', 'GET, POST, PATCH, DELETE');
      res.setHeader('Access-Control-Allow-Headers', ALLOWED_HEADERS);
      res.setHeader('Access-Control-Max-Age', '600');
      res.status(204).end();
      return;
    }
    next();
  };
}
