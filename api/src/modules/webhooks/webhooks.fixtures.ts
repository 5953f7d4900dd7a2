import { PUBLIC_URL, type ObjectFactory, type SampleBody } from '../../../test/support/fixtures';

export const bodies: Record<string, SampleBody> = {
  createWebhookEndpoint: () => ({ url: PUBLIC_URL, event_types: ['*'] }),
  updateWebhookEndpoint: () => ({ description: 'Renamed' }),
  createWebhookPortalSession: () => ({}),
  rotateWebhookEndpointSecret: () => ({}),
  testWebhookEndpoint: () => ({}),
  replayWebhookEndpoint: () => ({ since: new Date(Date.now() - 3600_000).toISOString() }),
  retryWebhookDelivery: () => ({}),
};

export const objectFactories: Record<string, ObjectFactory> = {
  '/v1/webhook-endpoints/{id}': async (t, b) => {
    const id = (
      await t.http
        .post('/v1/webhook-endpoints')
        .set(b.auth)
        .send({ url: PUBLIC_URL, event_types: ['customer.*'] })
    ).body.id;
    return { id, read: async () => (await t.http.get(`/v1/webhook-endpoints/${id}`).set(b.auth)).body };
  },
  '/v1/webhook-deliveries/{id}': async (t, b) => {
    const endpoint = (
      await t.http
        .post('/v1/webhook-endpoints')
        .set(b.auth)
        .send({ url: PUBLIC_URL, event_types: ['customer.*'] })
    ).body.id;
    const id = (await t.http.post(`/v1/webhook-endpoints/${endpoint}/test`).set(b.auth)).body.id;
    return { id, read: async () => (await t.http.get(`/v1/webhook-endpoints/${endpoint}/deliveries`).set(b.auth)).body.data };
  },
};
