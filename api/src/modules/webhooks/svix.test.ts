import { createTestApp, expectProblem, newTenant, type TestApp } from '../../../test/harness';
import { waitFor } from '../../../test/support/receiver';
import { FakeSvix } from '../../../test/support/svix-server';

const TOKEN = 'testsk_plinth_svix_token';
let svix: FakeSvix;
let t: TestApp;
beforeAll(async () => {
  svix = await new FakeSvix(TOKEN).start();
  t = await createTestApp({ worker: true, ownDatabase: 'svix', svix: { apiKey: TOKEN, serverUrl: svix.url } });
});
afterAll(async () => {
  await t.close();
  await svix.stop();
});

describe('Svix backend (SVIX_API_KEY)', () => {
  it('syncs the event catalogue as Svix event types with their schemas', () => {
    expect(svix.eventTypes.has('customer.created')).toBe(true);
    expect(svix.eventTypes.has('audit.entry.created')).toBe(true);
    const schema = (svix.eventTypes.get('customer.created')!.schemas as Record<string, { properties: { type: { enum: string[] } } }>)['1']!;
    expect(schema.properties.type.enum).toEqual(['customer.created']);
  });

  it('mirrors endpoint operations onto one Svix application per tenant', async () => {
    const a = await newTenant(t);
    const created = await t.http
      .post('/v1/webhook-endpoints')
      .set(a.auth)
      .send({ url: 'https://hooks.example.com/plinth', event_types: ['customer.*'], description: 'CRM' });
    expect(created.status).toBe(201);
    const app = [...svix.apps.values()].find((x) => x.uid === a.tenantId);
    expect(app).toBeDefined();
    const mirrored = svix.endpoints.get(`${a.tenantId}/${created.body.id}`)!;
    expect(mirrored).toMatchObject({
      uid: created.body.id,
      url: 'https://hooks.example.com/plinth',
      description: 'CRM',
      disabled: false,
      secret: created.body.secret,
    });
    expect(mirrored.eventTypes).toEqual(['customer.created', 'customer.deleted', 'customer.updated']);

    await t.http
      .patch(`/v1/webhook-endpoints/${created.body.id}`)
      .set(a.auth)
      .send({ enabled: false, event_types: ['*'] });
    expect(svix.endpoints.get(`${a.tenantId}/${created.body.id}`)).toMatchObject({ disabled: true, eventTypes: null });

    const rotated = await t.http.post(`/v1/webhook-endpoints/${created.body.id}/rotate-secret`).set(a.auth);
    expect(svix.endpoints.get(`${a.tenantId}/${created.body.id}`)!.secret).toBe(rotated.body.secret);

    await t.http.patch(`/v1/webhook-endpoints/${created.body.id}`).set(a.auth).send({ enabled: true });
    const since = new Date(Date.now() - 3600_000).toISOString();
    const replay = await t.http.post(`/v1/webhook-endpoints/${created.body.id}/replay`).set(a.auth).send({ since });
    expect(replay.status).toBe(202);
    const recover = svix.requests.find((r) => r.path.endsWith(`/endpoint/${created.body.id}/recover`));
    expect(new Date(recover!.body!.since as string).toISOString()).toBe(since);

    const portal = await t.http.post('/v1/webhook-endpoints/portal-session').set(a.auth);
    expect(portal.body).toEqual({ object: 'webhook_portal_session', url: `https://app.svix.com/login#key=portal-${a.tenantId}` });

    expectProblem(await t.http.post(`/v1/webhook-endpoints/${created.body.id}/test`).set(a.auth), 409, 'managed_by_svix');

    const deleted = await t.http.delete(`/v1/webhook-endpoints/${created.body.id}`).set(a.auth);
    expect(deleted.status).toBe(200);
    expect(svix.endpoints.has(`${a.tenantId}/${created.body.id}`)).toBe(false);
  });

  it('sends each event as a Svix message keyed by the event id', async () => {
    const a = await newTenant(t);
    const customer = (await t.http.post('/v1/customers').set(a.auth).send({ name: 'Via Svix' })).body;
    const message = await waitFor(
      () => svix.messages.find((m) => (m.payload as { data: { object: { id: string } } }).data.object.id === customer.id),
      10_000,
      'the message',
    );
    const event = (await t.http.get('/v1/events?type=customer.created').set(a.auth)).body.data[0];
    expect(message).toMatchObject({ eventId: event.id, eventType: 'customer.created', app: a.tenantId });
    expect(message.payload).toEqual(event);
    const request = svix.requests.find((r) => r.body?.eventId === event.id)!;
    expect(request.headers['idempotency-key']).toBe(event.id);
    expect(request.headers.authorization).toBe(`Bearer ${TOKEN}`);
  });

  it('answers 502 and saves nothing when Svix refuses the change', async () => {
    const a = await newTenant(t);
    svix.failWith = 500;
    try {
      const res = await t.http
        .post('/v1/webhook-endpoints')
        .set(a.auth)
        .send({ url: 'https://hooks.example.com/down', event_types: ['*'] });
      expectProblem(res, 502, 'webhook_backend_unavailable');
    } finally {
      svix.failWith = null;
    }
    expect((await t.http.get('/v1/webhook-endpoints').set(a.auth)).body.data).toEqual([]);
    const audit = await t.http.get('/v1/audit-logs?action=webhook_endpoint.created').set(a.auth);
    expect(audit.body.data).toEqual([]);
  });
});
