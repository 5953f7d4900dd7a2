// Quickstart: sign up, create an API key, create customers, then list them all with auto-pagination.
// Start Plinth (npm start) in one terminal, then in another, from the repository root:
// Run: npm run quickstart -w @plinth/examples
// (npm run uses the Node 24 that npm install put in node_modules, which runs .ts files as they are;
// set PLINTH_URL when Plinth is not on http://localhost:3000.)
import { Plinth } from '@plinth/sdk';

const baseUrl = process.env.PLINTH_URL ?? 'http://localhost:3000';

async function main(): Promise<void> {
  const anonymous = new Plinth({ baseUrl });
  const session = await anonymous.auth.signup({
    email: `dev+${Date.now()}@example.com`,
    password: 'correct horse battery staple',
    name: 'Dev',
    tenant_name: 'Quickstart Inc.',
  });
  const asUser = new Plinth({ baseUrl, accessToken: session.access_token });
  const key = await asUser.apiKeys.create({ name: 'quickstart', scopes: ['customers:read', 'customers:write'] });

  const plinth = new Plinth({ baseUrl, apiKey: key.secret });
  for (const name of ['Ada Lovelace', 'Grace Hopper', 'Katherine Johnson', 'Margaret Hamilton', 'Radia Perlman']) {
    await plinth.customers.create({ name });
  }
  const names: string[] = [];
  for await (const customer of plinth.customers.list({ limit: 2 })) names.push(customer.name ?? customer.id);
  console.log(`tenant ${session.tenant_id} has ${names.length} customers: ${names.join(', ')}`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
