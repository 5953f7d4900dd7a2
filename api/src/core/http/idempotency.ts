import { createHash } from 'node:crypto';
import type { MikroORM } from '@mikro-orm/postgresql';
import type { RequestHandler } from 'express';
import { inTenant, systemGrant } from '../db/unit-of-work.js';
import { IdempotencyKey } from '../db/idempotency.entity.js';
import { ApiError, conflict, unprocessable } from './errors.js';

const TTL_MS = 24 * 3600 * 1000;

/**
 * `Idempotency-Key` on authenticated POSTs (as in Stripe; with any other method it is refused), scoped to the caller's tenant: the first request claims the
 * key (an insert that only one concurrent request can win), runs, and stores its answer; the same key
 * and body within 24 h replays that answer; a different body is a 422; a duplicate arriving while the
 * first runs is a 409. A 5xx answer is not stored, so the client can retry. Unauthenticated POSTs
 * (sign-up, login) are not covered: replaying their tokens to whoever repeats a key would leak them.
 */
export function idempotency(orm: MikroORM): RequestHandler {
  return async (req, res, next) => {
    const key = req.get('idempotency-key');
    if (key === undefined) return next();
    if (req.method !== 'POST' && req.method !== 'OPTIONS') {
      return next(
        new ApiError(
          400,
          'idempotency_key_not_allowed',
          'Bad Request',
          `Idempotency-Key applies to POST requests only; remove it from this ${req.method}. PATCH, PUT and DELETE can be retried as they are (the same request leaves the same state), and GET changes nothing.`,
        ),
      );
    }
    if (req.method !== 'POST' || !req.principal) return next();
    if (key.length < 1 || key.length > 255) {
      return next(new ApiError(400, 'invalid_idempotency_key', 'Bad Request', 'Idempotency-Key must be 1 to 255 characters.'));
    }
    const tenantId = req.principal.tenantId;
    // The key belongs to the authenticated caller's tenant; which operation it guards is authorized later.
    const grant = systemGrant(tenantId, 'idempotency keys are kept per tenant for every authenticated caller');
    const fingerprint = createHash('sha256')
      .update(`${req.method} ${req.originalUrl}\n${req.principal.actor.id}\n${JSON.stringify(req.body ?? null)}`)
      .digest('hex');
    try {
      const existing = await inTenant(orm, grant, async (em) => {
        await em.nativeDelete(IdempotencyKey, { key, createdAt: { $lt: new Date(Date.now() - TTL_MS) } });
        const claimed = await em.execute<{ key: string }[]>(
          `insert into idempotency_keys (tenant_id, key, request_hash, status, created_at) values (?, ?, ?, 'running', now())
           on conflict (tenant_id, key) do nothing returning key`,
          [tenantId, key, fingerprint],
        );
        return claimed.length ? null : em.findOneOrFail(IdempotencyKey, { key });
      });
      if (existing) {
        if (existing.requestHash !== fingerprint) {
          throw unprocessable('idempotency_key_reused', 'This Idempotency-Key was used with a different request; use a new key for a new request.');
        }
        if (existing.status === 'running') throw conflict('idempotency_key_in_use', 'A request with this Idempotency-Key is still in progress; retry shortly.');
        res.setHeader('Idempotent-Replayed', 'true');
        const body = existing.responseBody as { contentType?: string; body?: string } | null;
        res.status(existing.responseStatus!);
        if (body?.contentType) res.type(body.contentType);
        return res.send(body?.body ?? '');
      }
    } catch (err) {
      return next(err);
    }

    // Everything (send, json, a bare end for 204) ends in res.end: record the outcome there, and only
    // then let the response go, so that a retry after this response always replays it.
    const end = res.end.bind(res) as (...args: unknown[]) => typeof res;
    res.end = ((...args: unknown[]) => {
      const chunk = args[0];
      const text = Buffer.isBuffer(chunk) ? chunk.toString() : typeof chunk === 'string' ? chunk : '';
      const status = res.statusCode;
      const store =
        status >= 500
          ? inTenant(orm, grant, (em) => em.nativeDelete(IdempotencyKey, { key }))
          : inTenant(orm, grant, (em) =>
              em.nativeUpdate(
                IdempotencyKey,
                { key },
                { status: 'done', responseStatus: status, responseBody: { contentType: res.get('content-type'), body: text } },
              ),
            );
      store.then(
        () => end(...args),
        (err) => {
          req.log.error({ err: String(err) }, 'storing the idempotent response failed');
          end(...args);
        },
      );
      return res;
    }) as typeof res.end;
    next();
  };
}
