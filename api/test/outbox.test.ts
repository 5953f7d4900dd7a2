import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../src/core/config';
import { createTestApp, expectProblem, newTenant, type TestApp } from './harness';

/**
 * The development outbox: with SMTP_URL unset (and NODE_ENV not production) mail is kept and served
 * at /dev/outbox, so a developer completes a password reset, a verification or an invitation
 * locally. It answers this machine only, and does not exist in production.
 */
let t: TestApp;
let plain: TestApp;
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'plinth-outbox-'));
  t = await createTestApp({ mailOutboxDir: dir });
  plain = await createTestApp();
}, 60_000);
afterAll(async () => {
  await t.close();
  await plain.close();
  rmSync(dir, { recursive: true, force: true });
});

it('a password reset is completed locally through the outbox', async () => {
  const a = await newTenant(t);
  expect((await t.http.post('/v1/auth/password-reset').send({ email: a.email })).status).toBe(202);

  const outbox = await t.http.get('/dev/outbox').query({ to: a.email }).set('Accept', 'application/json');
  expect(outbox.status).toBe(200);
  const reset = outbox.body.data.find((m: { subject: string }) => m.subject === 'Reset your password');
  expect(reset).toMatchObject({ to: a.email, from: expect.stringContaining('@'), id: expect.stringMatching(/^msg_/) });
  const token = /\bpr_[A-Za-z0-9]+/.exec(reset.text)?.[0];
  expect(token).toBeDefined();

  const confirmed = await t.http.post('/v1/auth/password-reset/confirm').send({ token, password: 'a brand new passphrase' });
  expect(confirmed.status).toBe(204);
  expect((await t.http.post('/v1/auth/login').send({ email: a.email, password: a.password })).status).toBe(401);
  expect((await t.http.post('/v1/auth/login').send({ email: a.email, password: 'a brand new passphrase' })).status).toBe(200);
});

it('a browser gets a page with each mail and the curl command of its next step', async () => {
  const a = await newTenant(t);
  await t.http.post('/v1/auth/password-reset').send({ email: a.email });
  const res = await t.http.get('/dev/outbox').set('Accept', 'text/html');
  expect(res.status).toBe(200);
  expect(res.headers['content-type']).toMatch(/^text\/html/);
  expect(res.headers['content-security-policy']).toContain("default-src 'none'");
  expect(res.text).toContain(a.email.replace(/&/g, '&#38;'));
  expect(res.text).toMatch(/curl -X POST \S+\/v1\/auth\/password-reset\/confirm/);
});

it('answers only this machine: a forwarded request, or one through a local tunnel, is refused', async () => {
  const forwarded = await t.http.get('/dev/outbox').set('X-Forwarded-For', '203.0.113.7').set('Accept', 'application/json');
  expectProblem(forwarded, 403, 'outbox_local_only');
  // A tunnel (ngrok, cloudflared) connects from loopback but keeps the public host name.
  expectProblem(await t.http.get('/dev/outbox').set('Host', 'abc123.ngrok.app').set('Accept', 'application/json'), 403, 'outbox_local_only');
  expectProblem(await t.http.get('/dev/outbox').set('Forwarded', 'for=203.0.113.7').set('Accept', 'application/json'), 403, 'outbox_local_only');
  expect((await t.http.get('/dev/outbox').set('Host', 'localhost:3000').set('Accept', 'application/json')).status).toBe(200);
});

it('does not exist when mail is sent for real, and is off with NODE_ENV=production', async () => {
  expectProblem(await plain.http.get('/dev/outbox'), 404);
  const previous = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  try {
    expect(loadConfig({ secret: 'x'.repeat(40) }).mailOutbox).toBe(false);
  } finally {
    process.env.NODE_ENV = previous;
  }
  expect(loadConfig({ secret: 'x'.repeat(40) }).mailOutbox).toBe(true);
});

it('GET / sends a browser to the developer portal', async () => {
  const res = await plain.http.get('/');
  expect(res.status).toBe(302);
  expect(res.headers.location).toBe('/portal/');
});
