// Quickstart: sign up, create an API key, then create and list customers with it.
// Run Plinth (npm start), then: PLINTH_URL=http://localhost:3000 node --experimental-strip-types examples/quickstart.ts
import { createApiKey, createCustomer, createPlinthClient, listCustomers, signup } from '@plinth/sdk';

const baseUrl = process.env.PLINTH_URL ?? 'http://localhost:3000';

async function main(): Promise<void> {
  const anonymous = createPlinthClient({ baseUrl });
  const { data: session } = await signup({
    client: anonymous,
    body: { email: `dev+${Date.now()}@example.com`, password: 'correct horse battery staple', name: 'Dev', tenant_name: 'Quickstart Inc.' },
    throwOnError: true,
  });
  const asUser = createPlinthClient({ baseUrl, accessToken: session.access_token });
  const { data: key } = await createApiKey({ client: asUser, body: { name: 'quickstart', scopes: ['customers:read', 'customers:write'] }, throwOnError: true });

  const plinth = createPlinthClient({ baseUrl, apiKey: key.secret });
  await createCustomer({ client: plinth, body: { name: 'Ada Lovelace', email: 'ada@example.com' }, throwOnError: true });
  const { data: customers } = await listCustomers({ client: plinth, throwOnError: true });
  console.log(
    `tenant ${session.tenant_id} has ${customers.data.length} customer(s):`,
    customers.data.map((c) => c.name),
  );
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
