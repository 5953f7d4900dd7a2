import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createTestApp, listening, newTenant, type TestApp } from './harness';

/**
 * The SDK as a developer outside this repository meets it: `npm pack` (its `prepare` builds it), the
 * tarball installed into an empty project in the system's temporary directory, then one call against
 * a live Plinth from an ES module and from a CommonJS file, with no top-level await, exactly as the
 * portal's "Install the SDK" step shows. Both run on Node 24 and, when this machine has it, on the
 * system's older Node (the SDK promises Node 20+).
 */
const run = promisify(execFile);
const ROOT = join(__dirname, '..', '..');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

let t: TestApp;
let server: Awaited<ReturnType<typeof listening>> | undefined;
let base: string;
let scratch: string;

beforeAll(async () => {
  scratch = mkdtempSync(join(tmpdir(), 'plinth-sdk-consumer-'));
  const packed = join(scratch, 'packed');
  mkdirSync(packed);
  // The same commands the guide gives: pack in the clone, install the tarball in an empty project.
  await run(npm, ['pack', '-w', '@plinth/sdk', '--pack-destination', packed, '--loglevel=error'], { cwd: ROOT, timeout: 120_000 });
  const tarball = readdirSync(packed).find((f) => f.endsWith('.tgz'));
  if (!tarball) throw new Error('npm pack wrote no tarball');
  const project = join(scratch, 'project');
  mkdirSync(project);
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'scratch', version: '1.0.0', private: true }));
  await run(npm, ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error', join(packed, tarball)], { cwd: project, timeout: 120_000 });

  t = await createTestApp();
  server = await listening(t);
  base = server.base;
}, 240_000);

afterAll(async () => {
  await server?.close();
  await t?.close();
  rmSync(scratch, { recursive: true, force: true });
});

const esm = `import { Plinth } from '@plinth/sdk';

const plinth = new Plinth({ apiKey: process.env.PLINTH_API_KEY, baseUrl: process.env.PLINTH_URL });
const customer = await plinth.customers.create({ name: 'Ada Lovelace', email: 'ada@example.com' });
console.log('created', customer.id);
`;

const commonjs = `const { Plinth, NotFoundError } = require('@plinth/sdk');

async function main() {
  const plinth = new Plinth({ apiKey: process.env.PLINTH_API_KEY, baseUrl: process.env.PLINTH_URL });
  const customer = await plinth.customers.create({ name: 'Grace Hopper', email: 'grace@example.com' });
  console.log('created', customer.id);
  try {
    await plinth.customers.get('cus_00000000000000000000000000');
  } catch (err) {
    if (err instanceof NotFoundError) console.log('typed error', err.code);
    else throw err;
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
`;

/** Node 24 (this run's) and the system's Node when it is another major version (20 on this machine). */
function nodes(): string[] {
  const found = [process.execPath];
  for (const candidate of ['/usr/bin/node', '/usr/local/bin/node']) {
    if (existsSync(candidate) && candidate !== process.execPath) {
      found.push(candidate);
      break;
    }
  }
  return found;
}

it('the packed tarball carries its build and installs into an empty project', () => {
  const sdk = join(scratch, 'project', 'node_modules', '@plinth', 'sdk');
  for (const file of ['package.json', 'README.md', 'dist/esm/index.js', 'dist/cjs/index.js', 'dist/types/index.d.ts']) {
    expect(existsSync(join(sdk, file))).toBe(true);
  }
});

it.each(nodes())(
  'an ES module and a CommonJS file call Plinth through the installed SDK (%s)',
  async (node) => {
    const tenant = await newTenant(t);
    const project = join(scratch, 'project');
    writeFileSync(join(project, 'call.mjs'), esm);
    writeFileSync(join(project, 'call.cjs'), commonjs);
    const env = { PATH: process.env.PATH ?? '', PLINTH_URL: base, PLINTH_API_KEY: tenant.apiKey };

    const fromEsm = await run(node, ['call.mjs'], { cwd: project, env, timeout: 30_000 });
    expect(fromEsm.stdout).toMatch(/^created cus_\w{26}$/m);
    const fromCjs = await run(node, ['call.cjs'], { cwd: project, env, timeout: 30_000 });
    expect(fromCjs.stdout).toMatch(/^created cus_\w{26}$/m);
    expect(fromCjs.stdout).toMatch(/^typed error resource_missing$/m);

    const listed = await t.http.get('/v1/customers').set(tenant.auth);
    expect(listed.body.data.map((c: { name: string }) => c.name).sort()).toEqual(['Ada Lovelace', 'Grace Hopper']);
  },
  60_000,
);
