import type { Server } from 'node:http';
import { createApiKey, createCustomer, createPlinthClient, getCustomer, listCustomers, signup } from '@plinth/sdk';
import { createTestApp, uniqueEmail, type TestApp } from './harness';

let t: TestApp;
let server: Server;
let baseUrl: string;
beforeAll(async () => {
  t = await createTestApp();
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

  it('returns typed problem+json errors', async () => {
    const plinth = createPlinthClient({ baseUrl, apiKey: 'sk_live_wrong' });
    const res = await getCustomer({ client: plinth, path: { id: 'cus_01M80T2M9XYGX7WZVKCGMDMA7P' } });
    expect(res.response?.status).toBe(401);
    expect(res.error).toMatchObject({ status: 401, code: 'invalid_api_key' });
  });
});
