import 'reflect-metadata';
import express, { type Express } from 'express';
import pino from 'pino';
import request from 'supertest';
import { createApp } from '../src/app';
import { loadConfig, type Config } from '../src/core/config';
import { startWorker, type Worker } from '../src/worker';
import { loadSpec } from '../src/core/spec';
import { ContractValidator } from './support/contract';
import type { Mail, Mailer } from '../src/core/mailer';
import { MailOutbox } from '../src/core/outbox';
import { startRuntime, type Runtime } from '../src/core/runtime';
import { registry } from '../src/modules/index';

export const ROOT_KEY = 'sk_live_testrootkey0000000000000000000000';
export const TEST_SECRET = 'test-secret-0123456789abcdefghijklmnopqrstuvwxyz';
/**
 * A public base URL as long as a real deployment's: every URL and entity id built from it appears in
 * responses, and the contract validation checks their documented bounds.
 */
export const TEST_PUBLIC_URL = 'https://plinth-api.eu-central-1.customer-example.com';

export interface TestApp {
  app: Express;
  runtime: Runtime;
  contract: ContractValidator;
  /** Present when the app was built with `worker: true`. */
  worker?: Worker;
  http: ReturnType<typeof request>;
  outbox: Mail[];
  /** The last email sent to `to`, and the token in it. */
  lastTokenFor(to: string): string;
  close(): Promise<void>;
}

let counter = 0;

/** Builds a whole Plinth (migrations, bootstrap, app) on the run's test database, with a capturing mailer. */
export async function createTestApp(
  options: {
    apiKeyRateLimit?: number;
    tenantRateLimit?: number;
    rateLimitStore?: 'memory' | 'redis' | 'postgres';
    redisUrl?: string;
    /** Also run the worker (outbox relay, deliveries, jobs) in this process. */
    worker?: boolean;
    webhooks?: Partial<Config['webhooks']>;
    svix?: Config['svix'];
    corsAllowedOrigins?: string[];
    /** The public base URL (SSO builds its ACS and callback URLs from it). */
    publicUrl?: string;
    /**
     * A database of this test file's own, beside the run's: a worker relays every tenant's outbox, so
     * files that run workers with different settings must not share a database.
     */
    ownDatabase?: string;
    /** Mail goes through the real mailer into the development outbox in this directory (served at /dev/outbox). */
    mailOutboxDir?: string;
  } = {},
): Promise<TestApp> {
  const { worker: withWorker, webhooks, ownDatabase, mailOutboxDir, ...overrides } = options;
  const url = testDatabaseUrl(ownDatabase);
  const base = loadConfig({ secret: TEST_SECRET, rootKey: ROOT_KEY, databaseUrl: url, rateLimitStore: 'memory' });
  const config = {
    ...base,
    publicUrl: TEST_PUBLIC_URL,
    ...overrides,
    webhooks: { ...base.webhooks, allowPrivateNetworks: true, ...webhooks },
    // The tests' OIDC provider listens on loopback over http.
    sso: { allowPrivateNetworks: true },
  };
  const log = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });
  const outbox: Mail[] = [];
  const mailer: Mailer = { send: async (mail) => void outbox.push(mail) };
  const mail = mailOutboxDir ? { outbox: new MailOutbox(mailOutboxDir) } : { mailer };
  const runtime = await startRuntime(registry, config, log, { ...mail, rateLimitPrefix: `t${process.pid}_${++counter}` });
  const worker = withWorker ? await startWorker(runtime.deps, runtime.database) : undefined;
  const { app: plinth } = createApp(runtime.deps);
  // Every response the tests produce is checked against the contract (see support/contract.ts).
  const contract = new ContractValidator(loadSpec());
  const app = express();
  app.use(contract.middleware());
  app.use(plinth);
  return {
    app,
    contract,
    runtime,
    worker,
    http: request(app),
    outbox,
    lastTokenFor(to) {
      const mail = [...outbox].reverse().find((m) => m.to === to);
      const token = mail?.text.match(/\b(ev|pr|invt)_[A-Za-z0-9]+/)?.[0];
      if (!token) throw new Error(`no token mailed to ${to}`);
      return token;
    },
    close: async () => {
      await worker?.stop();
      await runtime.close();
      if (process.env.PLINTH_CONTRACT_REPORT) {
        process.stdout.write(`contract: ${contract.responses} responses over ${contract.checked.size} operations, ${contract.mismatches.length} mismatches\n`);
      }
      if (contract.mismatches.length) {
        throw new Error(`${contract.mismatches.length} response(s) differ from openapi/openapi.json:\n  ${[...new Set(contract.mismatches)].join('\n  ')}`);
      }
    },
  };
}

/** The run's test database, or (with a tag) a database beside it that only this test file uses. */
export function testDatabaseUrl(tag?: string): string {
  const url = process.env.PLINTH_TEST_DATABASE_URL;
  if (!url) throw new Error('PLINTH_TEST_DATABASE_URL is unset: run the tests with npm test');
  if (!tag) return url;
  const own = new URL(url);
  own.pathname = `${own.pathname}_${tag}`;
  return own.toString();
}

export interface TestTenant {
  tenantId: string;
  userId: string;
  email: string;
  password: string;
  accessToken: string;
  refreshToken: string;
  /** A secret key with every permission the owner holds. */
  apiKey: string;
  auth: { Authorization: string };
  session: { Authorization: string };
}

let seq = 0;
export const uniqueEmail = (tag = 'user') => `${tag}.${process.pid}.${Date.now()}.${++seq}@example.com`;

/** Signs up a fresh user and tenant and creates a full-access API key: every test starts from its own tenant. */
export async function newTenant(t: TestApp, name = 'Acme'): Promise<TestTenant> {
  const email = uniqueEmail();
  const password = 'correct horse battery staple';
  const signup = await t.http.post('/v1/auth/signup').send({ email, password, name: 'Jane Cooper', tenant_name: name });
  if (signup.status !== 201) throw new Error(`signup failed: ${signup.status} ${JSON.stringify(signup.body)}`);
  const session = { Authorization: `Bearer ${signup.body.access_token}` };
  const perms = await t.http.get('/v1/permissions').set(session);
  const key = await t.http
    .post('/v1/api-keys')
    .set(session)
    .send({ name: 'test key', scopes: perms.body.data.map((p: { id: string }) => p.id) });
  if (key.status !== 201) throw new Error(`api key failed: ${key.status} ${JSON.stringify(key.body)}`);
  return {
    tenantId: signup.body.tenant_id,
    userId: signup.body.user.id,
    email,
    password,
    accessToken: signup.body.access_token,
    refreshToken: signup.body.refresh_token,
    apiKey: key.body.secret,
    auth: { Authorization: `Bearer ${key.body.secret}` },
    session,
  };
}

/** An API key in `tenant` with exactly these scopes. */
export async function keyWithScopes(t: TestApp, tenant: TestTenant, scopes: string[]): Promise<{ Authorization: string }> {
  const res = await t.http
    .post('/v1/api-keys')
    .set(tenant.auth)
    .send({ name: `scoped ${scopes.join(',')}`, scopes });
  if (res.status !== 201) throw new Error(`scoped key failed: ${res.status} ${JSON.stringify(res.body)}`);
  return { Authorization: `Bearer ${res.body.secret}` };
}

export const rootAuth = { Authorization: `Bearer ${ROOT_KEY}` };

export function expectProblem(res: { status: number; headers: Record<string, string>; body: Record<string, unknown> }, status: number, code?: string): void {
  expect({ status: res.status, code: res.body.code }).toEqual({ status, code: code ?? res.body.code });
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(res.body).toMatchObject({
    type: expect.any(String),
    title: expect.any(String),
    status,
    detail: expect.any(String),
    request_id: expect.stringMatching(/^req_/),
  });
  expect(JSON.stringify(res.body)).not.toMatch(/\bat .*\.(ts|js):\d+|node_modules|SELECT |INSERT /i);
}

/** The test app on a real port of this machine, for clients in other processes (the SDK, the CLI, scripts). */
export async function listening(t: TestApp): Promise<{ base: string; close(): Promise<void> }> {
  const server = await new Promise<import('node:http').Server>((resolve) => {
    const s = t.app.listen(0, '127.0.0.1', () => resolve(s));
  });
  return {
    base: `http://127.0.0.1:${(server.address() as { port: number }).port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
