import { execFile, execFileSync } from 'node:child_process';
import { createReadStream, existsSync, readFileSync } from 'node:fs';
import http, { type Server } from 'node:http';
import { extname, join } from 'node:path';
import { promisify } from 'node:util';
import type { Browser } from 'playwright-core';
import { createTestApp, listening, newTenant, ROOT_KEY, type TestApp } from './harness';
import { artifactPath, browserAvailable, launch } from './support/browser';

/**
 * The examples, compiled (npm run typecheck) and run here against a live Plinth: the quickstart,
 * the webhook receiver (it verifies a real delivery), the reseller flow, and the white-label browser
 * app, bundled with esbuild and driven in headless Chromium.
 */
const run = promisify(execFile);
const ROOT = join(__dirname, '..', '..');
const EXAMPLES = join(ROOT, 'examples');

let t: TestApp;
let server: Awaited<ReturnType<typeof listening>> | undefined;
let base: string;
beforeAll(async () => {
  execFileSync(process.execPath, [join(ROOT, 'sdks', 'typescript', 'build.mjs')], { cwd: join(ROOT, 'sdks', 'typescript'), stdio: 'pipe' });
  t = await createTestApp({ worker: true, ownDatabase: 'examples', corsAllowedOrigins: ['*'] });
  server = await listening(t);
  base = server.base;
}, 120_000);
afterAll(async () => {
  await server?.close();
  await t.close();
});

/** The command an example's header gives (its `// Run: ` line), run from the repository root as a developer would. */
function runLine(file: string): string {
  const line = /^\/\/ Run: (.+)$/m.exec(readFileSync(join(EXAMPLES, file), 'utf8'))?.[1];
  if (!line) throw new Error(`${file} has no "// Run: " line in its header`);
  return line;
}

const example = (file: string, env: Record<string, string>) =>
  run('sh', ['-c', runLine(file)], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', PLINTH_URL: base, ...env },
    timeout: 90_000,
  });

it('quickstart: signs up, creates a key and customers, lists them with auto-pagination', async () => {
  const { stdout } = await example('quickstart.ts', {});
  expect(stdout).toMatch(/has 5 customers: Radia Perlman, Margaret Hamilton, Katherine Johnson, Grace Hopper, Ada Lovelace/);
}, 60_000);

it('webhook-receiver: verifies a real delivery and prints the event', async () => {
  const a = await newTenant(t);
  const { stdout } = await example('webhook-receiver.ts', { PLINTH_API_KEY: a.apiKey });
  expect(stdout).toMatch(/verified customer\.created evt_/);
  expect(stdout).toMatch(/received customer\.created for cus_/);
}, 60_000);

it('reseller: creates a child tenant and acts inside it with Plinth-Tenant', async () => {
  const { stdout } = await example('reseller.ts', { PLINTH_ROOT_KEY: ROOT_KEY });
  expect(stdout).toMatch(/-> child ten_\w+ \(1 customer\); while suspended: tenant_suspended/);
  expect(stdout).toMatch(/sees 1 tenant\(s\) below it: Customer GmbH/);
}, 60_000);

const browserRun = browserAvailable() ? describe : describe.skip;
browserRun('white-label-portal', () => {
  let browser: Browser;
  let site: Server;
  let siteUrl: string;
  beforeAll(async () => {
    const dist = join(EXAMPLES, 'white-label-portal', 'dist');
    await example('white-label-portal/build.mjs', {});
    const types: Record<string, string> = {
      '.html': 'text/html',
      '.js': 'text/javascript',
      '.css': 'text/css',
      '.json': 'application/json',
      '.svg': 'image/svg+xml',
      '.map': 'application/json',
    };
    site = http.createServer((req, res) => {
      const file = join(dist, req.url === '/' ? 'index.html' : req.url!.split('?')[0]!);
      if (!file.startsWith(dist) || !existsSync(file)) return void res.writeHead(404).end();
      res.writeHead(200, { 'content-type': types[extname(file)] ?? 'application/octet-stream' });
      createReadStream(file).pipe(res);
    });
    await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', resolve));
    siteUrl = `http://localhost:${(site.address() as { port: number }).port}`; // another origin than the API: CORS is exercised
    browser = await launch();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await new Promise((resolve) => site.close(resolve));
  });

  it('signs in, lists and creates customers, creates and revokes an API key, branded from config.json', async () => {
    const a = await newTenant(t);
    const problems: string[] = [];
    const page = await browser.newPage({ viewport: { width: 1100, height: 800 } });
    page.on('console', (m) => m.type() === 'error' && problems.push(`console: ${m.text()}`));
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    page.on('requestfailed', (r) => problems.push(`failed: ${r.url()} ${r.failure()?.errorText}`));
    await page.goto(siteUrl, { waitUntil: 'networkidle' });
    expect(await page.locator('#brand').textContent()).toBe('Acme Cloud');
    expect(await page.title()).toBe('Acme Cloud · customer portal');
    expect(await page.evaluate(() => getComputedStyle(document.querySelector('.bar')!).backgroundColor)).toBe('rgb(15, 118, 110)');

    await page.fill('input[name=email]', a.email);
    await page.fill('input[name=password]', 'wrong password');
    await page.click('#signin button');
    await page.waitForSelector('#signin .error:not(:empty)');
    expect(await page.locator('#signin .error').textContent()).toContain('invalid_credentials');
    problems.length = 0; // the 401 of the wrong password is expected

    await page.fill('input[name=password]', a.password);
    await page.click('#signin button');
    await page.waitForSelector('#customers');
    await page.fill('#customers input[name=name]', 'Grace Hopper');
    await page.fill('#customers input[name=email]', 'grace@example.com');
    await page.click('#customers button');
    await page.waitForSelector('#customers tbody tr >> text=Grace Hopper');

    await page.fill('#keys input[name=name]', 'portal key');
    await page.click('#keys form button');
    await page.waitForSelector('#keys .secret:not([hidden])');
    expect(await page.locator('#keys .secret').textContent()).toMatch(/sk_live_/);
    await page.waitForSelector('#keys tbody tr >> text=portal key');
    await page.screenshot({ path: artifactPath('examples', 'white-label-portal.png'), fullPage: true });
    await page.locator('#keys tbody tr', { hasText: 'portal key' }).locator('button').click();
    await page.waitForFunction(() => !Array.from(document.querySelectorAll('#keys tbody tr')).some((r) => r.textContent!.includes('portal key')));
    expect(problems).toEqual([]);
  }, 60_000);
});
