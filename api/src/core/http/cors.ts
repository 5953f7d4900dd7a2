import type { RequestHandler } from 'express';
import corsMiddleware from 'cors';

const ALLOWED_HEADERS = 'Authorization, Content-Type, Idempotency-Key, Plinth-Tenant, Plinth-Version';
const EXPOSED_HEADERS = 'Request-Id, Plinth-Version, RateLimit-Limit, RateLimit-Remaining, RateLimit-Reset, Retry-After';

/**
 * CORS for browser front ends (white-label apps call the API directly). Only the origins in
 * CORS_ALLOWED_ORIGINS get CORS headers (`*` allows any, each answered with its own origin); none by
 * default. Credentials are bearer tokens, never cookies, so `Access-Control-Allow-Credentials` is
 * never sent.
 */
export function cors(allowedOrigins: readonly string[]): RequestHandler {
  if (!allowedOrigins.length) return (_req, _res, next) => next();
  const any = allowedOrigins.includes('*');
  const allowed = new Set(allowedOrigins);
  // Both continue instead of answering: the cors package takes every OPTIONS for a preflight (only one
  // with Access-Control-Request-Method is), and answers preflights with a Content-Length that a 204
  // must not carry.
  const preflight = corsMiddleware({
    origin: true,
    methods: 'GET, POST, PATCH, DELETE',
    allowedHeaders: ALLOWED_HEADERS,
    exposedHeaders: EXPOSED_HEADERS,
    maxAge: 600,
    preflightContinue: true,
  });
  // Any other request: the origin and the exposed headers (an empty list of methods or headers is left out).
  const request = corsMiddleware({ origin: true, methods: '', allowedHeaders: [], exposedHeaders: EXPOSED_HEADERS, preflightContinue: true });
  return (req, res, next) => {
    // Whatever the origin, the answer depends on it: caches must not give one origin's answer to another.
    res.vary('Origin');
    const origin = req.headers.origin;
    if (!origin || !(any || allowed.has(origin))) return next();
    if (req.method === 'OPTIONS' && req.headers['access-control-request-method']) return preflight(req, res, () => res.status(204).end());
    request(req, res, next);
  };
}
