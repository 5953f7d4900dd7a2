#!/usr/bin/env node
// npm run seed: a demo tenant with sample data on a running Plinth (PLINTH_URL, default
// http://localhost:3000), through the SDK as any client would. It signs up demo@example.com (or logs
// in when the tenant exists), creates an API key with every permission, adds sample customers once,
// and prints what to export. Run it again: the same tenant, a new key, no duplicate customers.
import { ConflictError, ConnectionError, Plinth, PlinthError } from '@plinth/sdk';

const baseUrl = (process.env.PLINTH_URL ?? 'http://localhost:3000').replace(/\/$/, '');
const email = process.env.PLINTH_SEED_EMAIL ?? 'demo@example.com';
const password = process.env.PLINTH_SEED_PASSWORD ?? 'plinth demo password';

const PEOPLE = [
  ['Ada Lovelace', 'Analytical Engines'],
  ['Grace Hopper', 'COBOL Systems'],
  ['Katherine Johnson', 'Orbital Mechanics'],
  ['Margaret Hamilton', 'Apollo Guidance'],
  ['Radia Perlman', 'Spanning Trees'],
  ['Barbara Liskov', 'Substitution Labs'],
  ['Frances Allen', 'Optimising Compilers'],
  ['Hedy Lamarr', 'Frequency Hopping'],
  ['Joan Clarke', 'Bletchley Analytics'],
  ['Annie Easley', 'Centaur Rockets'],
  ['Mary Jackson', 'Wind Tunnels'],
  ['Dorothy Vaughan', 'Fortran Works'],
  ['Evelyn Boyd Granville', 'Project Mercury'],
  ['Sophie Wilson', 'ARM Instruments'],
  ['Karen Spärck Jones', 'Inverse Documents'],
  ['Shafi Goldwasser', 'Zero Knowledge'],
  ['Lynn Conway', 'VLSI Design'],
  ['Adele Goldberg', 'Smalltalk Studio'],
  ['Jean Bartik', 'ENIAC Services'],
  ['Kathleen Booth', 'Assembly Language'],
];

async function session() {
  const anonymous = new Plinth({ baseUrl });
  try {
    const s = await anonymous.auth.signup({ email, password, name: 'Demo Developer', tenant_name: 'Demo Inc.' });
    return { ...s, created: true };
  } catch (err) {
    if (!(err instanceof ConflictError)) throw err;
    return { ...(await anonymous.auth.login({ email, password })), created: false };
  }
}

async function main() {
  const s = await session();
  const asUser = new Plinth({ baseUrl, accessToken: s.access_token });
  const { data: permissions } = await asUser.permissions.list();
  const key = await asUser.apiKeys.create({ name: `seed ${new Date().toISOString()}`, scopes: permissions.map((p) => p.id) });
  const plinth = new Plinth({ baseUrl, apiKey: key.secret });

  const existing = new Set();
  for await (const c of plinth.customers.list({ limit: 100 })) if (c.email) existing.add(c.email);
  let added = 0;
  for (const [name, company] of PEOPLE) {
    const address = `${name
      .toLowerCase()
      .normalize('NFD')
      .replace(/[^a-z ]/g, '')
      .replace(/ +/g, '.')}@example.com`;
    if (existing.has(address)) continue;
    await plinth.customers.create({ name, email: address, company, metadata: { seeded: 'true' } });
    added++;
  }

  process.stdout.write(
    [
      '',
      `  ${s.created ? 'Created' : 'Found'} the demo tenant ${s.tenant_id} on ${baseUrl}: ${added} customer(s) added (${existing.size + added} in all).`,
      `  Sign in as ${email} / ${password}, or use the API key created now:`,
      '',
      `    export PLINTH_URL=${baseUrl}`,
      `    export PLINTH_API_KEY=${key.secret}`,
      `    curl -H "Authorization: Bearer $PLINTH_API_KEY" "$PLINTH_URL/v1/customers?limit=3"`,
      '',
    ].join('\n') + '\n',
  );
}

main().catch((err) => {
  if (err instanceof ConnectionError)
    process.stderr.write(`npm run seed: nothing answers on ${baseUrl}. Start Plinth first (npm start or npm run dev), or set PLINTH_URL.\n`);
  else if (err instanceof PlinthError) process.stderr.write(`npm run seed: ${err.status} ${err.code}: ${err.message}\n`);
  else process.stderr.write(`npm run seed failed: ${err?.message ?? err}\n`);
  process.exit(1);
});
