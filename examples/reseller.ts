// A reseller: the platform operator creates a reseller tenant and a key for it; the reseller creates
// a customer tenant of its own and works inside it with the Plinth-Tenant header (the SDK's `tenant`).
// With PLINTH_ROOT_KEY set to the operator key Plinth printed on its first start (the banner shows
// the export line), from the repository root:
// Run: npm run reseller -w @plinth/examples
import { Plinth } from '@plinth/sdk';

const baseUrl = process.env.PLINTH_URL ?? 'http://localhost:3000';
const rootKey = process.env.PLINTH_ROOT_KEY;

async function main(): Promise<void> {
  if (!rootKey) throw new Error('Set PLINTH_ROOT_KEY to the platform operator key printed on the first start.');
  const operator = new Plinth({ baseUrl, apiKey: rootKey });

  // 1. The operator onboards a reseller and gives it a key of its own (created inside the reseller).
  const reseller = await operator.tenants.create({ name: `Reseller ${Date.now()}`, kind: 'reseller' });
  const key = await operator.apiKeys.create(
    { name: 'reseller backend', scopes: ['tenants:read', 'tenants:write', 'customers:read', 'customers:write'] },
    { tenant: reseller.id },
  );

  // 2. The reseller creates a tenant for one of its customers.
  const asReseller = new Plinth({ baseUrl, apiKey: key.secret });
  const child = await asReseller.tenants.create({ name: 'Customer GmbH', metadata: { plan: 'gold' } });

  // 3. ... and works inside it: every call below is scoped to the child tenant.
  const inChild = new Plinth({ baseUrl, apiKey: key.secret, tenant: child.id });
  await inChild.customers.create({ name: 'First customer of the child tenant' });
  const customers = await inChild.customers.list();

  // 4. The reseller can suspend and resume its own customers' tenants.
  await asReseller.tenants.suspend(child.id);
  const suspended = await inChild.customers.list().catch((err: { code?: string }) => err.code);
  await asReseller.tenants.resume(child.id);

  const tree = await asReseller.tenants.list();
  console.log(`reseller ${reseller.id} -> child ${child.id} (${customers.data.length} customer); while suspended: ${suspended}`);
  console.log(`the reseller sees ${tree.data.length} tenant(s) below it: ${tree.data.map((t) => t.name).join(', ')}`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
