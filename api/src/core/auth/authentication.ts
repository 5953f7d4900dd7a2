import type { Request, RequestHandler } from 'express';
import type { Principal } from './principal.js';
import { ApiError, forbidden, unauthorized } from '../http/errors.js';
import { setRateLimitHeaders, type RateLimits } from '../http/rate-limit.js';

declare module 'express-serve-static-core' {
  interface Request {
    principal?: Principal;
    authError?: ApiError;
  }
}

/** Turns a bearer token (and an optional `Plinth-Tenant`) into a principal, or throws a 401/403/404. */
export type CredentialResolver = (token: string, actingTenant: string | undefined) => Promise<Principal>;

/**
 * Runs before the routes: resolves the principal once, then spends its rate-limit budget (per key or
 * session, and per tenant). A bad credential is remembered rather than thrown, so that public
 * operations still work and protected ones answer with the precise reason.
 */
export function authenticate(resolve: CredentialResolver, limits: RateLimits, tenantPerMinute: number): RequestHandler {
  return async (req, res, next) => {
    const header = req.headers.authorization;
    if (!header) return next();
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match) {
      req.authError = unauthorized('Send credentials as "Authorization: Bearer <key or access token>".', 'invalid_authorization_header');
      return next();
    }
    try {
      const acting = req.headers['plinth-tenant'];
      const principal = await resolve(match[1], typeof acting === 'string' ? acting : undefined);
      const budget = principal.apiKeyId ? 'api_key' : 'session';
      const own = await limits.consume(budget, principal.apiKeyId ?? principal.sessionId!, principal.rateLimit);
      await limits.consume('tenant', principal.tenantId, tenantPerMinute);
      setRateLimitHeaders(res, own);
      req.principal = principal;
    } catch (err) {
      if (err instanceof ApiError && err.status === 429) return next(err);
      if (err instanceof ApiError) req.authError = err;
      else return next(err);
    }
    next();
  };
}

/** tsoa's hook for `@Security(name, scopes)`. */
export async function expressAuthentication(req: Request, securityName: string, scopes: string[] = []): Promise<Principal> {
  if (req.authError) throw req.authError;
  const principal = req.principal;
  if (!principal) throw unauthorized('This operation needs credentials: an API key or a session access token as a bearer token.');
  // tsoa reports the last failing scheme; checking scopes first makes a valid credential without the
  // permission a 403 whichever scheme it is.
  // A member of a tenant that requires 2FA, not enrolled yet: only unscoped self-service (me, sessions, MFA).
  if (principal.restriction === 'mfa_enrollment_required' && scopes.length) {
    throw forbidden('This tenant requires two-factor authentication: enrol with POST /v1/me/mfa/totp first.', 'mfa_enrollment_required');
  }
  const missing = scopes.filter((s) => !principal.permissions.has(s));
  if (missing.length) throw forbidden(`This credential lacks the ${missing.map((m) => `'${m}'`).join(', ')} permission.`, 'missing_permission');
  if (securityName === 'session' && principal.actor.type !== 'user') {
    throw unauthorized('This operation needs a user session access token, not an API key.', 'session_required');
  }
  if (securityName === 'apiKey' && principal.actor.type !== 'api_key') {
    throw unauthorized('This operation needs an API key.', 'api_key_required');
  }
  return principal;
}
