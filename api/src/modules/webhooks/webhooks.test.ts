import pg from 'pg';
import { Webhook } from 'svix';
import { Webhook as StandardWebhook } from 'standardwebhooks';
import { createTestApp, expectProblem, newTenant, testDatabaseUrl, type TestApp, type TestTenant } from '../../../test/harness';
import { Receiver, waitFor } from '../../../test/support/receiver';
import { isPrivateAddress } from '../../core/net/ssrf';
import { WebhookSender } from './sender';

// A compressed retry schedule (seconds) and disable threshold, so a day of failures takes seconds.
const SCHEDULE = [0, 0.3, 0.3, 0.6, 0.6, 1, 1, 1];
const DISABLE_AFTER = 4;
const CONCURRENCY = 3; // delayed retries are picked up by a 1 s poll: attempts land about 1 s apart

let t: TestApp;
let receiver: Receiver;
let owner: pg.Client;
beforeAll(async () => {
  t = await createTestApp({
    worker: true,
    ownDatabase: 'webhooks',
    webhooks: { retrySchedule: SCHEDULE, disableAfterSeconds: DISABLE_AFTER, timeoutMs: 2000, endpointConcurrency: CONCURRENCY },
  });
  receiver = await new Receiver().start();
  owner = new pg.Client({ connectionString: testDatabaseUrl('webhooks') });
  await owner.connect();
});
afterAll(async () => {
  await owner.end();
  await receiver.stop();
  await t.close();
});

async function endpoint(a: TestTenant, path: string, eventTypes: string[] = ['customer.*']) {
  const res = await t.http
    .post('/v1/webhook-endpoints')
    .set(a.auth)
    .send({ url: `${receiver.url}${path}`, event_types: eventTypes, description: 'test' });
  expect(res.status).toBe(201);
  return res.body as { id: string; secret: string };
}

describe('events', () => {
  it('records an event per change with the object as the API returns it, and previous attributes on updates', async () => {
    const a = await newTenant(t);
    const created = (await t.http.post('/v1/customers').set(a.auth).send({ name: 'Ada', email: 'ada@example.com' })).body;
    await t.http.patch(`/v1/customers/${created.id}`).set(a.auth).send({ name: 'Ada L.' });
    await t.http.delete(`/v1/customers/${created.id}`).set(a.auth);

    const list = await t.http.get('/v1/events?type=customer.*').set(a.auth);
    expect(list.status).toBe(200);
    expect(list.body.data.map((e: { type: string }) => e.type)).toEqual(['customer.deleted', 'customer.updated', 'customer.created']);
    const [deleted, updated, createdEvent] = list.body.data;
    expect(createdEvent).toMatchObject({ object: 'event', tenant_id: a.tenantId, data: { object: created } });
    expect(createdEvent.id).toMatch(/^evt_/);
    expect(createdEvent.request.id).toBeTruthy();
    expect(updated.data.object.name).toBe('Ada L.');
    expect(updated.data.previous_attributes).toEqual({ name: 'Ada' });
    expect(deleted.data.object.id).toBe(created.id);

    const one = await t.http.get(`/v1/events/${updated.id}`).set(a.auth);
    expect(one.body).toEqual(updated);
    const exact = await t.http.get('/v1/events?type=customer.updated').set(a.auth);
    expect(exact.body.data).toHaveLength(1);
    const later = await t.http.get(`/v1/events?created_gte=${new Date(Date.now() + 60_000).toISOString()}`).set(a.auth);
    expect(later.body.data).toEqual([]);
    // Sign-up wrote the tenant, user and member events.
    const signup = await t.http.get('/v1/events?limit=100').set(a.auth);
    const types = signup.body.data.map((e: { type: string }) => e.type);
    for (const type of ['tenant.created', 'user.created', 'member.created', 'api_key.created', 'audit.entry.created']) expect(types).toContain(type);
  });

  it('writes nothing when the change fails (same transaction)', async () => {
    const a = await newTenant(t);
    // Domain events only: audit.entry.created events follow when the worker seals the entries, at its own pace.
    const domain = async () =>
      (await t.http.get('/v1/events?limit=100').set(a.auth)).body.data.filter((e: { type: string }) => e.type !== 'audit.entry.created');
    const before = (await domain()).length;
    await t.http
      .post('/v1/roles')
      .set(a.auth)
      .send({ key: 'support', name: 'Support', permissions: ['customers:read'] });
    const dup = await t.http
      .post('/v1/roles')
      .set(a.auth)
      .send({ key: 'support', name: 'Again', permissions: ['customers:read'] });
    expectProblem(dup, 409, 'role_exists');
    const after = await domain();
    expect(after.filter((e: { type: string }) => e.type === 'role.created')).toHaveLength(1);
    expect(after.length).toBe(before + 1); // role.created, nothing from the failed request
    const audited = await t.http.get('/v1/audit-logs?action=role.*').set(a.auth);
    expect(audited.body.data.map((e: { action: string }) => e.action)).toEqual(['role.created']);
  });

  it('publishes every event type with its JSON Schema', async () => {
    const a = await newTenant(t);
    const res = await t.http.get('/v1/event-types').set(a.auth);
    expect(res.status).toBe(200);
    const types = res.body.data.map((e: { type: string }) => e.type);
    for (const prefix of ['tenant.', 'user.', 'member.', 'invitation.', 'role.', 'api_key.', 'customer.', 'webhook_endpoint.', 'audit.']) {
      expect(types.some((x: string) => x.startsWith(prefix))).toBe(true);
    }
    const customerCreated = res.body.data.find((e: { type: string }) => e.type === 'customer.created');
    expect(customerCreated.schema_name).toBe('CustomerCreatedEvent');
    expect(customerCreated.schema.properties.type.enum).toEqual(['customer.created']);
    expect(customerCreated.schema.properties.data.properties.object.properties.email).toBeDefined();
  });

  it('rejects bad filters and ids with problems', async () => {
    const a = await newTenant(t);
    expectProblem(await t.http.get('/v1/events?limit=0').set(a.auth), 422, 'validation_failed');
    expectProblem(
      await t.http.get(`/v1/events?created_gte=${new Date().toISOString()}&created_lt=${new Date(Date.now() - 1000).toISOString()}`).set(a.auth),
      400,
      'invalid_range',
    );
    expectProblem(await t.http.get('/v1/events/evt_nope').set(a.auth), 404, 'resource_missing');
  });
});

describe('webhook delivery', () => {
  it('delivers signed events that the svix and standardwebhooks libraries verify, and lists the attempts', async () => {
    const a = await newTenant(t);
    const ep = await endpoint(a, '/ok');
    expect(ep.secret).toMatch(/^whsec_/);
    const customer = (await t.http.post('/v1/customers').set(a.auth).send({ name: 'Signed' })).body;
    const [hit] = await waitFor(() => receiver.at('/ok').length > 0 && receiver.at('/ok'), 10_000, 'delivery');
    const verified = new Webhook(ep.secret).verify(hit!.body, hit!.headers) as unknown;
    expect(verified).toBeUndefined(); // svix 2.x returns nothing; it throws when the signature is wrong
    const payload = new StandardWebhook(ep.secret).verify(hit!.body, hit!.headers) as { type: string; data: { object: { id: string } } };
    expect(payload.type).toBe('customer.created');
    expect(payload.data.object.id).toBe(customer.id);
    expect(hit!.headers['webhook-id']).toMatch(/^evt_/);
    expect(() => new Webhook(`whsec_${Buffer.from('another secret entirely!').toString('base64')}`).verify(hit!.body, hit!.headers)).toThrow();

    const deliveries = await waitFor(async () => {
      const res = await t.http.get(`/v1/webhook-endpoints/${ep.id}/deliveries`).set(a.auth);
      return res.body.data[0]?.status === 'succeeded' && res.body;
    });
    expect(deliveries.data[0]).toMatchObject({ event_type: 'customer.created', attempt_count: 1, last_status_code: 200, next_attempt_at: null });
    expect(deliveries.data[0].attempts[0]).toMatchObject({ status_code: 200, response_excerpt: 'ok', error: null });
  });

  it('only sends the types an endpoint subscribes to', async () => {
    const a = await newTenant(t);
    await endpoint(a, '/filtered', ['role.created']);
    await t.http.post('/v1/customers').set(a.auth).send({ name: 'Not sent' });
    await t.http
      .post('/v1/roles')
      .set(a.auth)
      .send({ key: 'sent', name: 'Sent', permissions: ['customers:read'] });
    await waitFor(() => receiver.at('/filtered').length > 0, 10_000, 'delivery');
    await new Promise((r) => setTimeout(r, 500));
    expect(receiver.at('/filtered').map((r) => JSON.parse(r.body).type)).toEqual(['role.created']);
  });

  it('retries a receiver that fails for a while on the schedule, same webhook-id each time, and it gets everything', async () => {
    const a = await newTenant(t);
    const recoverAt = Date.now() + 1500;
    receiver.respond = (r) => (r.path === '/flaky' && Date.now() < recoverAt ? 503 : 200);
    const ep = await endpoint(a, '/flaky');
    const customers: string[] = [];
    for (let i = 0; i < 5; i++)
      customers.push(
        (
          await t.http
            .post('/v1/customers')
            .set(a.auth)
            .send({ name: `Eventually ${i}` })
        ).body.id,
      );
    const deliveries = await waitFor(
      async () => {
        const res = await t.http.get(`/v1/webhook-endpoints/${ep.id}/deliveries`).set(a.auth);
        return res.body.data.length === 5 && res.body.data.every((d: { status: string }) => d.status === 'succeeded') && res.body.data;
      },
      15_000,
      'every delivery to succeed',
    );
    const hits = receiver.at('/flaky');
    const ok = hits.filter((h) => h.at >= recoverAt);
    expect(new Set(ok.map((h) => JSON.parse(h.body).data.object.id))).toEqual(new Set(customers));
    for (const d of deliveries) {
      const attempts = d.attempts as { status_code: number; attempted_at: string }[];
      expect(attempts.length).toBeGreaterThanOrEqual(2);
      expect(attempts.slice(0, -1).every((x) => x.status_code === 503)).toBe(true);
      expect(attempts[attempts.length - 1]!.status_code).toBe(200);
      // The second attempt waited at least the schedule's second delay.
      expect(Date.parse(attempts[1]!.attempted_at) - Date.parse(attempts[0]!.attempted_at)).toBeGreaterThanOrEqual(SCHEDULE[1]! * 1000 - 50);
      const copies = hits.filter((h) => h.headers['webhook-id'] === d.event_id);
      expect(copies.length).toBe(attempts.length);
      expect(new Set(copies.map((h) => h.body)).size).toBe(1);
    }
    expect((await t.http.get(`/v1/webhook-endpoints/${ep.id}`).set(a.auth)).body.enabled).toBe(true);
    receiver.respond = () => 200;
  });

  it('treats a redirect as a failure and never follows it', async () => {
    const a = await newTenant(t);
    receiver.respond = (r) => (r.path === '/moved' ? 302 : 200);
    const ep = await endpoint(a, '/moved');
    await t.http.post('/v1/customers').set(a.auth).send({ name: 'Redirected' });
    const delivery = await waitFor(async () => {
      const res = await t.http.get(`/v1/webhook-endpoints/${ep.id}/deliveries`).set(a.auth);
      return res.body.data[0]?.attempt_count >= 1 && res.body.data[0];
    });
    expect(delivery).toMatchObject({ status: 'pending', last_status_code: 302 });
    expect(delivery.next_attempt_at).not.toBeNull();
    await t.http.delete(`/v1/webhook-endpoints/${ep.id}`).set(a.auth);
    receiver.respond = () => 200;
  });

  it('keeps at most WEBHOOK_ENDPOINT_CONCURRENCY deliveries in flight to one endpoint', async () => {
    const a = await newTenant(t);
    const ep = await endpoint(a, '/slow');
    let inFlight = 0;
    let peak = 0;
    const slow = await new Receiver().start();
    const original = slow.respond;
    slow.delayMs = 150;
    slow.respond = (r, i) => {
      inFlight += 1;
      peak = Math.max(peak, inFlight);
      setTimeout(() => (inFlight -= 1), 150);
      return original(r, i);
    };
    await t.http
      .patch(`/v1/webhook-endpoints/${ep.id}`)
      .set(a.auth)
      .send({ url: `${slow.url}/slow` });
    await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        t.http
          .post('/v1/customers')
          .set(a.auth)
          .send({ name: `Burst ${i}` }),
      ),
    );
    await waitFor(() => slow.at('/slow').length >= 12, 15_000, 'twelve deliveries');
    await slow.stop();
    expect(peak).toBeLessThanOrEqual(CONCURRENCY);
    expect(peak).toBeGreaterThan(1);
  });

  it('disables an endpoint that keeps failing past the limit and emits webhook_endpoint.disabled', async () => {
    const a = await newTenant(t);
    receiver.respond = (r) => (r.path === '/down' ? 500 : 200);
    const ep = await endpoint(a, '/down');
    await t.http.post('/v1/customers').set(a.auth).send({ name: 'Never' });
    const disabled = await waitFor(
      async () => {
        const res = await t.http.get(`/v1/webhook-endpoints/${ep.id}`).set(a.auth);
        return res.body.enabled === false && res.body;
      },
      20_000,
      'the endpoint to be disabled',
    );
    expect(disabled.disabled_reason).toMatch(/failed/);
    const events = await t.http.get('/v1/events?type=webhook_endpoint.disabled').set(a.auth);
    expect(events.body.data[0].data.object.id).toBe(ep.id);
    expect(events.body.data[0].data.previous_attributes).toEqual({ enabled: true, disabled_reason: null });
    const audit = await t.http.get('/v1/audit-logs?action=webhook_endpoint.disabled').set(a.auth);
    expect(audit.body.data[0].actor).toEqual({ type: 'system', id: null });
    // Nothing more is sent to it; re-enabling clears the reason.
    const count = receiver.at('/down').length;
    await t.http.post('/v1/customers').set(a.auth).send({ name: 'Dropped' });
    await new Promise((r) => setTimeout(r, 1000));
    expect(receiver.at('/down').length).toBe(count);
    const enabled = await t.http.patch(`/v1/webhook-endpoints/${ep.id}`).set(a.auth).send({ enabled: true });
    expect(enabled.body).toMatchObject({ enabled: true, disabled_reason: null });
    receiver.respond = () => 200;
  });

  it('signs with both secrets during a rotation, so a receiver holding either verifies', async () => {
    const a = await newTenant(t);
    const ep = await endpoint(a, '/rotate');
    const rotated = await t.http.post(`/v1/webhook-endpoints/${ep.id}/rotate-secret`).set(a.auth);
    expect(rotated.status).toBe(200);
    expect(rotated.body.secret).not.toBe(ep.secret);
    await t.http.post('/v1/customers').set(a.auth).send({ name: 'Rotated' });
    const [hit] = await waitFor(() => receiver.at('/rotate').length > 0 && receiver.at('/rotate'), 10_000, 'delivery');
    expect(hit!.headers['webhook-signature']!.split(' ')).toHaveLength(2);
    expect(() => new Webhook(ep.secret).verify(hit!.body, hit!.headers)).not.toThrow();
    expect(() => new Webhook(rotated.body.secret).verify(hit!.body, hit!.headers)).not.toThrow();
    const events = await t.http.get('/v1/events?type=webhook_endpoint.secret_rotated').set(a.auth);
    expect(JSON.stringify(events.body)).not.toContain(rotated.body.secret);
  });

  it('sends a test event, retries a delivery and replays a time range', async () => {
    const a = await newTenant(t);
    const ep = await endpoint(a, '/ops');
    const since = new Date(Date.now() - 1000).toISOString();
    await t.http.post('/v1/customers').set(a.auth).send({ name: 'One' });
    await t.http.post('/v1/customers').set(a.auth).send({ name: 'Two' });
    await waitFor(() => receiver.at('/ops').length >= 2, 10_000, 'two deliveries');

    const test = await t.http.post(`/v1/webhook-endpoints/${ep.id}/test`).set(a.auth);
    expect(test.status).toBe(202);
    expect(test.body).toMatchObject({ object: 'webhook_delivery', event_type: 'webhook_endpoint.test', status: 'pending' });
    await waitFor(() => receiver.at('/ops').some((r) => JSON.parse(r.body).type === 'webhook_endpoint.test'), 10_000, 'the test event');

    const deliveries = (await t.http.get(`/v1/webhook-endpoints/${ep.id}/deliveries?status=succeeded`).set(a.auth)).body.data;
    const first = deliveries.find((d: { event_type: string }) => d.event_type === 'customer.created');
    const retried = await t.http.post(`/v1/webhook-deliveries/${first.id}/retry`).set(a.auth);
    expect(retried.status).toBe(202);
    await waitFor(() => receiver.at('/ops').filter((r) => r.headers['webhook-id'] === first.event_id).length === 2, 10_000, 'the retry');

    const before = receiver.at('/ops').length;
    const replay = await t.http.post(`/v1/webhook-endpoints/${ep.id}/replay`).set(a.auth).send({ since });
    expect(replay.body).toEqual({ object: 'webhook_replay', endpoint_id: ep.id, queued: 2 });
    await waitFor(() => receiver.at('/ops').length >= before + 2, 10_000, 'the replay');

    expectProblem(
      await t.http.post(`/v1/webhook-endpoints/${ep.id}/replay`).set(a.auth).send({ since: new Date().toISOString(), until: since }),
      400,
      'invalid_range',
    );
    expectProblem(await t.http.post('/v1/webhook-deliveries/wd_nope/retry').set(a.auth), 404, 'resource_missing');
    expectProblem(await t.http.post('/v1/webhook-endpoints/portal-session').set(a.auth), 409, 'portal_unavailable');
  });

  it('manages endpoints: list, update, validate filters and delete', async () => {
    const a = await newTenant(t);
    const ep = await endpoint(a, '/crud');
    const list = await t.http.get('/v1/webhook-endpoints').set(a.auth);
    expect(list.body.data.map((e: { id: string }) => e.id)).toEqual([ep.id]);
    expect(list.body.data[0].secret).toBeUndefined();
    const updated = await t.http
      .patch(`/v1/webhook-endpoints/${ep.id}`)
      .set(a.auth)
      .send({ event_types: ['audit.*', 'member.created'], metadata: { team: 'ops' } });
    expect(updated.body).toMatchObject({ event_types: ['audit.*', 'member.created'], metadata: { team: 'ops' } });
    const bad = await t.http
      .post('/v1/webhook-endpoints')
      .set(a.auth)
      .send({ url: `${receiver.url}/x`, event_types: ['customer.exploded', 'nothing.*'] });
    expectProblem(bad, 422, 'invalid_event_types');
    expect(bad.body.errors.map((e: { path: string }) => e.path)).toEqual(['event_types.0', 'event_types.1']);
    expectProblem(
      await t.http
        .post('/v1/webhook-endpoints')
        .set(a.auth)
        .send({ url: 'ftp://example.com/x', event_types: ['*'] }),
      422,
      'validation_failed',
    );
    expectProblem(
      await t.http
        .post('/v1/webhook-endpoints')
        .set(a.auth)
        .send({ url: `${receiver.url}/x`, event_types: [] }),
      422,
      'validation_failed',
    );
    const deleted = await t.http.delete(`/v1/webhook-endpoints/${ep.id}`).set(a.auth);
    expect(deleted.body).toEqual({ id: ep.id, object: 'webhook_endpoint', deleted: true });
    expectProblem(await t.http.get(`/v1/webhook-endpoints/${ep.id}`).set(a.auth), 404, 'resource_missing');
  });
});

describe('SSRF guard', () => {
  it('refuses private addresses again at delivery time, after DNS resolution', async () => {
    const sender = new WebhookSender(2000, false);
    try {
      const literal = await sender.send(`${receiver.url}/ssrf`, {}, '{}');
      expect(literal).toMatchObject({ statusCode: null, error: expect.stringMatching(/private or reserved/) });
      const named = await sender.send(receiver.url.replace('127.0.0.1', 'localhost') + '/ssrf', {}, '{}');
      expect(named).toMatchObject({ statusCode: null, error: expect.stringMatching(/resolves to .* private or reserved/) });
      expect(receiver.at('/ssrf')).toEqual([]);
    } finally {
      sender.close();
    }
    expect(isPrivateAddress('93.184.215.14')).toBe(false);
    expect(isPrivateAddress('64:ff9b::a9fe:a9fe')).toBe(true); // NAT64 form of 169.254.169.254
  });

  let strict: TestApp;
  beforeAll(async () => {
    strict = await createTestApp({ ownDatabase: 'webhooks', webhooks: { allowPrivateNetworks: false } });
  });
  afterAll(() => strict.close());

  it.each([
    'http://127.0.0.1:8080/hook',
    'http://10.1.2.3/hook',
    'http://172.16.0.5/hook',
    'http://192.168.1.1/hook',
    'http://169.254.169.254/latest/meta-data',
    'http://[::1]/hook',
    'http://[::ffff:127.0.0.1]/hook',
    'http://[fd00:ec2::254]/hook',
    'http://localhost:3000/hook',
    'http://0.0.0.0/hook',
  ])('refuses %s', async (url) => {
    const a = await newTenant(strict);
    const res = await strict.http
      .post('/v1/webhook-endpoints')
      .set(a.auth)
      .send({ url, event_types: ['*'] });
    expectProblem(res, 422, 'unsafe_url');
    expect(res.body.errors[0].path).toBe('url');
  });

  it('accepts a public address and refuses moving it to a private one', async () => {
    const a = await newTenant(strict);
    const ok = await strict.http
      .post('/v1/webhook-endpoints')
      .set(a.auth)
      .send({ url: 'https://93.184.215.14/hook', event_types: ['*'] });
    expect(ok.status).toBe(201);
    expectProblem(await strict.http.patch(`/v1/webhook-endpoints/${ok.body.id}`).set(a.auth).send({ url: 'http://169.254.169.254/' }), 422, 'unsafe_url');
  });
});
