import { Writable } from 'node:stream';
import express from 'express';
import pino from 'pino';
import request from 'supertest';
import { requestContext, securityHeaders } from '../src/core/http/request-context';
import { createTestApp, newTenant, type TestApp } from './harness';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ corsAllowedOrigins: ['https://app.example.com'] });
});
afterAll(() => t.close());

const SECURITY_HEADERS = {
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'strict-transport-security': 'max-age=31536000; includeSubDomains',
};
/** Helmet defaults meant for HTML documents: the API does not send them, and /docs and /portal run inline scripts. */
const DOCUMENT_HEADERS = [
  'content-security-policy',
  'cross-origin-opener-policy',
  'cross-origin-resource-policy',
  'cross-origin-embedder-policy',
  'origin-agent-cluster',
  'x-dns-prefetch-control',
  'x-download-options',
  'x-permitted-cross-domain-policies',
  'x-xss-protection',
];

describe('security headers', () => {
  it('are on every response, errors included, and API responses are never cached', async () => {
    const a = await newTenant(t);
    for (const res of [
      await t.http.get('/v1/customers').set(a.auth),
      await t.http.get('/v1/customers'),
      await t.http.get('/healthz'),
      await t.http.get('/nowhere'),
    ]) {
      expect(res.headers).toMatchObject({ ...SECURITY_HEADERS, 'cache-control': 'no-store' });
      for (const name of DOCUMENT_HEADERS) expect(res.headers[name]).toBeUndefined();
    }
  });

  it('leave Swagger UI its inline script and its own caching', async () => {
    const docs = await t.http.get('/docs/');
    expect(docs.status).toBe(200);
    expect(docs.headers).toMatchObject(SECURITY_HEADERS);
    expect(docs.headers['cache-control']).toBeUndefined();
    expect(docs.headers['content-security-policy']).toBeUndefined();
  });
});

describe('CORS', () => {
  const origin = 'https://app.example.com';

  it('answers a preflight from an allowed origin with 204, its methods and headers, and no body length', async () => {
    const res = await t.http.options('/v1/customers').set('Origin', origin).set('Access-Control-Request-Method', 'PATCH');
    expect(res.status).toBe(204);
    expect(res.headers).toMatchObject({
      'access-control-allow-origin': origin,
      'access-control-allow-methods': 'GET, POST, PATCH, DELETE',
      'access-control-allow-headers': 'Authorization, Content-Type, Idempotency-Key, Plinth-Tenant, Plinth-Version',
      'access-control-expose-headers': 'Request-Id, Plinth-Version, RateLimit-Limit, RateLimit-Remaining, RateLimit-Reset, Retry-After',
      'access-control-max-age': '600',
      vary: 'Origin',
    });
    expect(res.headers['content-length']).toBeUndefined();
    expect(res.headers['access-control-allow-credentials']).toBeUndefined();
  });

  it('gives other origins, and requests without one, no CORS header, but always varies on Origin', async () => {
    for (const res of [
      await t.http.options('/v1/customers').set('Origin', 'https://evil.example.com').set('Access-Control-Request-Method', 'POST'),
      await t.http.get('/v1/customers').set('Origin', 'https://evil.example.com'),
      await t.http.get('/v1/customers'),
    ]) {
      expect(res.status).not.toBe(204);
      expect(Object.keys(res.headers).filter((h) => h.startsWith('access-control-'))).toEqual([]);
      expect(res.headers.vary).toBe('Origin');
    }
  });

  it('treats an OPTIONS without Access-Control-Request-Method as a request, not a preflight', async () => {
    const res = await t.http.options('/v1/customers').set('Origin', origin);
    expect(res.status).not.toBe(204);
    expect(
      Object.keys(res.headers)
        .filter((h) => h.startsWith('access-control-'))
        .sort(),
    ).toEqual(['access-control-allow-origin', 'access-control-expose-headers']);
  });

  it('answers any origin with itself for *, and touches nothing when unconfigured', async () => {
    const any = await createTestApp({ corsAllowedOrigins: ['*'] });
    const none = await createTestApp();
    try {
      const preflight = await any.http.options('/v1/customers').set('Origin', 'https://x.example.org').set('Access-Control-Request-Method', 'DELETE');
      expect(preflight.status).toBe(204);
      expect(preflight.headers['access-control-allow-origin']).toBe('https://x.example.org');
      const plain = await none.http.options('/v1/customers').set('Origin', origin).set('Access-Control-Request-Method', 'POST');
      expect(plain.status).not.toBe(204);
      expect(Object.keys(plain.headers).filter((h) => h.startsWith('access-control-') || h === 'vary')).toEqual([]);
    } finally {
      await any.close();
      await none.close();
    }
  });
});

describe('the request log', () => {
  function loggedApp() {
    const lines: Record<string, unknown>[] = [];
    const sink = new Writable({
      write(chunk, _encoding, done) {
        lines.push(JSON.parse(String(chunk)));
        done();
      },
    });
    const app = express();
    // With the redaction createLogger configures, which also sees what pino-http binds.
    const log = pino({ base: { service: 'plinth' }, redact: { paths: ['*.authorization', '*.password', '*.secret', '*.token'], censor: '[redacted]' } }, sink);
    app.use(requestContext(log));
    app.use(securityHeaders);
    app.post('/things/:id', express.json(), (req, res) => {
      req.log.info({ step: 'inside' }, 'working');
      res.status(201).json({ ok: true });
    });
    app.get('/broken', () => {
      throw new Error('boom');
    });
    app.use((_err: unknown, _req: express.Request, res: express.Response, _next: express.NextFunction) => void res.status(500).json({}));
    return { app, lines };
  }

  it('writes one line per request: request_id, method, path, status and duration, never headers, query or body', async () => {
    const { app, lines } = loggedApp();
    const res = await request(app).post('/things/42?token=sk_live_secret').set('Authorization', 'Bearer sk_live_secret').send({ password: 'hunter2' });
    const requestId = res.headers['request-id'];
    expect(requestId).toMatch(/^req_[0-9A-Z]{26}$/);
    expect(lines).toEqual([
      { level: 30, time: expect.any(Number), service: 'plinth', request_id: requestId, step: 'inside', msg: 'working' },
      {
        level: 30,
        time: expect.any(Number),
        service: 'plinth',
        request_id: requestId,
        method: 'POST',
        path: '/things/42',
        status: 201,
        ms: expect.any(Number),
        msg: 'request',
      },
    ]);
    expect(JSON.stringify(lines)).not.toMatch(/secret|hunter2|authorization/i);
  });

  it('logs a failed request with the same line, and gives each request its own id', async () => {
    const { app, lines } = loggedApp();
    const [a, b] = [await request(app).get('/broken'), await request(app).get('/broken')];
    expect(a.headers['request-id']).not.toBe(b.headers['request-id']);
    expect(lines).toEqual(
      [a, b].map((r) => expect.objectContaining({ request_id: r.headers['request-id'], method: 'GET', path: '/broken', status: 500, msg: 'request' })),
    );
    expect(Object.keys(lines[0]!).sort()).toEqual(['level', 'method', 'ms', 'msg', 'path', 'request_id', 'service', 'status', 'time']);
  });
});
