import type { Server } from 'node:http';
import {
  createApiKey,
  createAuditLogExport,
  createCustomer,
  createPlinthClient,
  createWebhookEndpoint,
  getCustomer,
  getEvent,
  listCustomers,
  listEvents,
  listEventTypes,
  listWebhookDeliveries,
  signup,
  verifyAuditLogs,
  type PlinthEvent,
} from '@plinth/sdk';
import { Webhook } from 'svix';
import { Receiver, waitFor } from './support/receiver';
import { createTestApp, uniqueEmail, type TestApp } from './harness';

let t: TestApp;
let server: Server;
let baseUrl: string;
beforeAll(async () => {
  t = await createTestApp({ worker: true, ownDatabase: 'sdk' });
  server = await new Promise((resolve) => {
    const s = t.app.listen(0, '127.0.0.1', () => resolve(s));
  });
  baseUrl = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  await t.close();
});

describe('the generated SDK against a live server', () => {
  it('signs up, creates a key, then creates and lists customers', async () => {
    const anonymous = createPlinthClient({ baseUrl });
    const { data: session } = await signup({
      client: anonymous,
      body: { email: uniqueEmail('sdk'), password: 'correct horse battery staple', name: 'SDK', tenant_name: 'SDK Inc.' },
      throwOnError: true,
    });
    const asUser = createPlinthClient({ baseUrl, accessToken: session.access_token });
    const { data: key } = await createApiKey({ client: asUser, body: { name: 'sdk', scopes: ['customers:read', 'customers:write'] }, throwOnError: true });

    const plinth = createPlinthClient({ baseUrl, apiKey: key.secret });
    const { data: created } = await createCustomer({ client: plinth, body: { name: 'Ada', email: 'ada@example.com' }, throwOnError: true });
    expect(created.id).toMatch(/^cus_/);
    const { data: list } = await listCustomers({ client: plinth, query: { limit: 10 }, throwOnError: true });
    expect(list.data.map((c) => c.id)).toEqual([created.id]);
  });

  it('reads typed events, subscribes an endpoint and audits, all through the SDK', async () => {
    const receiver = await new Receiver().start();
    try {
      const anonymous = createPlinthClient({ baseUrl });
      const { data: session } = await signup({
        client: anonymous,
        body: { email: uniqueEmail('sdk'), password: 'correct horse battery staple', name: 'SDK', tenant_name: 'SDK events' },
        throwOnError: true,
      });
      const plinth = createPlinthClient({ baseUrl, accessToken: session.access_token });
      const { data: endpoint } = await createWebhookEndpoint({
        client: plinth,
        body: { url: `${receiver.url}/sdk`, event_types: ['customer.*'] },
        throwOnError: true,
      });
      const { data: customer } = await createCustomer({ client: plinth, body: { name: 'Typed' }, throwOnError: true });

      const { data: events } = await listEvents({ client: plinth, query: { type: 'customer.created' }, throwOnError: true });
      const event: PlinthEvent = events.data[0]!;
      if (event.type !== 'customer.created') throw new Error(`unexpected ${event.type}`);
      expect(event.data.object.id).toBe(customer.id); // narrowed by `type` to CustomerCreatedEvent
      const { data: same } = await getEvent({ client: plinth, path: { id: event.id }, throwOnError: true });
      expect(same).toEqual(event);

      const [hit] = await waitFor(() => receiver.at('/sdk').length > 0 && receiver.at('/sdk'), 10_000, 'delivery');
      expect(() => new Webhook(endpoint.secret).verify(hit!.body, hit!.headers)).not.toThrow();
      const deliveries = await waitFor(async () => {
        const { data } = await listWebhookDeliveries({ client: plinth, path: { id: endpoint.id }, throwOnError: true });
        return data.data[0]?.status === 'succeeded' && data;
      });
      expect(deliveries.data[0]!.event_id).toBe(event.id);

      const { data: types } = await listEventTypes({ client: plinth, throwOnError: true });
      expect(types.data.length).toBeGreaterThan(20);
      const { data: verification } = await verifyAuditLogs({ client: plinth, throwOnError: true });
      expect(verification.intact).toBe(true);
      const { data: exported } = await createAuditLogExport({ client: plinth, body: { format: 'ndjson' }, throwOnError: true });
      expect(exported.status).toBe('pending');
    } finally {
      await receiver.stop();
    }
  });

  it('returns typed problem+json errors', async () => {
    const plinth = createPlinthClient({ baseUrl, apiKey: 'sk_live_wrong' });
    const res = await getCustomer({ client: plinth, path: { id: 'cus_01M80T2M9XYGX7WZVKCGMDMA7P' } });
    expect(res.response?.status).toBe(401);
    expect(res.error).toMatchObject({ status: 401, code: 'invalid_api_key' });
  });
});
