import { RateLimiterMemory, RateLimiterPostgres, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { Redis } from 'ioredis';
import type { Pool } from 'pg';
import type { Response } from 'express';
import { tooManyRequests } from './errors.js';

export type RateLimitStore = { kind: 'memory' } | { kind: 'redis'; client: Redis } | { kind: 'postgres'; pool: Pool };

export interface RateLimitDecision {
  limit: number;
  remaining: number;
  resetSeconds: number;
}

/**
 * Request budgets per API key, per tenant, and failed-login counters with growing lockout. One
 * limiter per (points, window) pair: a key created with its own limit gets its own limiter.
 * The memory store is exact for one process and writes nothing to the database.
 */
export class RateLimits {
  private readonly limiters = new Map<string, Promise<RateLimiterAbstract>>();

  constructor(
    private readonly store: RateLimitStore,
    private readonly prefix = 'plinth',
  ) {}

  private limiter(name: string, points: number, duration: number): Promise<RateLimiterAbstract> {
    const id = `${name}:${points}:${duration}`;
    let limiter = this.limiters.get(id);
    if (!limiter) {
      const opts = { points, duration, keyPrefix: `${this.prefix}:${name}` };
      const store = this.store;
      limiter =
        store.kind === 'redis'
          ? Promise.resolve(new RateLimiterRedis({ ...opts, storeClient: store.client }))
          : store.kind === 'postgres'
            ? // The PostgreSQL store creates its table asynchronously; wait for it before the first use.
              new Promise((resolve, reject) => {
                const l: RateLimiterAbstract = new RateLimiterPostgres(
                  { ...opts, storeClient: store.pool, tableName: 'rate_limits', storeType: 'pool' },
                  (err?: Error) => (err ? reject(err) : resolve(l)),
                );
              })
            : Promise.resolve(new RateLimiterMemory(opts));
      this.limiters.set(id, limiter);
    }
    return limiter;
  }

  /** Spends one request of `key`'s per-minute budget; throws a 429 problem when it is spent. */
  async consume(name: string, key: string, perMinute: number): Promise<RateLimitDecision> {
    try {
      const res = await (await this.limiter(name, perMinute, 60)).consume(key);
      return { limit: perMinute, remaining: res.remainingPoints, resetSeconds: Math.ceil(res.msBeforeNext / 1000) };
    } catch (err) {
      if (err instanceof RateLimiterRes) {
        const e = tooManyRequests(`Rate limit of ${perMinute} requests per minute exceeded for this ${name.replace('_', ' ')}.`, err.msBeforeNext / 1000);
        e.extra.headers = { ...e.extra.headers, ...headers({ limit: perMinute, remaining: 0, resetSeconds: Math.ceil(err.msBeforeNext / 1000) }) };
        throw e;
      }
      throw err;
    }
  }

  private readonly failures = () => this.limiter('login_failures', 5, 15 * 60);
  private readonly lockouts = () => this.limiter('login_lockouts', 1000, 24 * 3600);

  /** Throws 429 while `key` (ip + account) is locked out after repeated failed logins. */
  async assertLoginAllowed(key: string): Promise<void> {
    const res = await (await this.failures()).get(key);
    if (res && res.consumedPoints >= 5 && res.msBeforeNext > 0) {
      throw tooManyRequests('Too many failed sign-in attempts. Try again later or reset your password.', res.msBeforeNext / 1000);
    }
  }

  /** Records a failure; the fifth in 15 minutes locks the pair out for 1, 2, 4, ... minutes (at most a day). */
  async recordLoginFailure(key: string): Promise<void> {
    try {
      await (await this.failures()).consume(key);
    } catch (err) {
      if (!(err instanceof RateLimiterRes)) throw err;
      const lock = await (await this.lockouts()).penalty(key, 1);
      const seconds = Math.min(60 * 2 ** (lock.consumedPoints - 1), 24 * 3600);
      await (await this.failures()).block(key, seconds);
    }
  }

  async recordLoginSuccess(key: string): Promise<void> {
    await (await this.failures()).delete(key);
  }
}

export function headers(d: RateLimitDecision): Record<string, string> {
  return { 'RateLimit-Limit': String(d.limit), 'RateLimit-Remaining': String(Math.max(0, d.remaining)), 'RateLimit-Reset': String(d.resetSeconds) };
}

export function setRateLimitHeaders(res: Response, d: RateLimitDecision): void {
  for (const [k, v] of Object.entries(headers(d))) res.setHeader(k, v);
}
