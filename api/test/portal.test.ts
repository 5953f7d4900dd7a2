import { execFileSync } from 'node:child_process';
import type { Server } from 'node:http';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { loadSpec } from '../src/core/spec';
import { createTestApp, type TestApp } from './harness';
import { artifactPath, browserAvailable, launch } from './support/browser';

/**
 * The developer portal in headless Chromium: every page loads with no console error and no failed
 * request (nothing is fetched from the network), the reference lists every operation, search finds
 * "customers", and the quick start shows code. Screenshots go to artifacts/portal/.
 */
const run = browserAvailable() ? describe : describe.skip;

run('developer portal', () => {
  let t: TestApp;
  let server: Server;
  let base: string;
  let browser: Browser;
  const problems: string[] = [];

  beforeAll(async () => {
    execFileSync(process.execPath, [join(__dirname, '..', '..', 'developer-portal', 'build.mjs')], { stdio: 'pipe' });
    t = await createTestApp();
    server = await new Promise((resolve) => {
      const s = t.app.listen(0, '127.0.0.1', () => resolve(s));
    });
    base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    browser = await launch();
  }, 60_000);
  beforeEach(() => {
    problems.length = 0;
  });
  afterAll(async () => {
    await browser?.close();
    await new Promise((resolve) => server.close(resolve));
    await t.close();
  });

  async function open(path: string): Promise<Page> {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(`${path}: console error: ${m.text()}`);
    });
    page.on('pageerror', (e) => problems.push(`${path}: page error: ${e.message}`));
    page.on('requestfailed', (r) => problems.push(`${path}: request failed: ${r.url()} ${r.failure()?.errorText}`));
    page.on('response', (r) => {
      if (r.status() >= 400) problems.push(`${path}: ${r.status()} for ${r.url()}`);
    });
    page.on('request', (r) => {
      if (!r.url().startsWith(base) && !r.url().startsWith('data:') && !r.url().startsWith('blob:')) problems.push(`${path}: external request ${r.url()}`);
    });
    await page.goto(`${base}${path}`, { waitUntil: 'networkidle' });
    return page;
  }

  it('serves the home page with every guide', async () => {
    const page = await open('/portal');
    expect(page.url()).toBe(`${base}/portal/`);
    const cards = await page.locator('.card h3').allTextContents();
    expect(cards).toEqual(
      expect.arrayContaining(['Quick start', 'Authentication and tenants', 'Errors', 'Pagination', 'Webhooks', 'Resellers and white-label']),
    );
    await page.screenshot({ path: artifactPath('portal', 'home.png'), fullPage: true });
    expect(problems).toEqual([]);
  });

  it('renders the API reference with every operation in the contract', async () => {
    const page = await open('/portal/reference.html');
    await page.waitForSelector('[data-section-id^="tag/"]', { timeout: 30_000 });
    const spec = loadSpec() as unknown as { paths: Record<string, Record<string, { operationId: string }>> };
    const ids = Object.values(spec.paths).flatMap((ops) => Object.values(ops).map((o) => o.operationId));
    const rendered = await page.$$eval('[data-section-id*="/operation/"]', (els) => els.map((e) => e.getAttribute('data-section-id')!.split('/operation/')[1]));
    expect(ids.filter((id) => !rendered.includes(id))).toEqual([]);
    await page.screenshot({ path: artifactPath('portal', 'reference.png') });
    expect(problems).toEqual([]);
  }, 60_000);

  it('finds "customers" with search and shows code in the quick start', async () => {
    const page = await open('/portal/guides/quickstart.html');
    expect(await page.locator('pre code').count()).toBeGreaterThan(2);
    expect(await page.locator('pre code').first().textContent()).toContain('npm');
    await page.fill('#search', 'customers');
    await page.waitForSelector('#search-results a');
    const results = await page.locator('#search-results a').allTextContents();
    expect(results.some((r) => /customer/i.test(r))).toBe(true);
    await page.screenshot({ path: artifactPath('portal', 'quickstart-search.png'), fullPage: true });
    await page.locator('#search-results a').first().click();
    await page.waitForLoadState('networkidle');
    expect(problems).toEqual([]);
  }, 60_000);

  it('lists the event catalogue', async () => {
    const page = await open('/portal/events.html');
    const types = await page.locator('table.events td:first-child code').allTextContents();
    expect(types).toEqual(expect.arrayContaining(['customer.created', 'webhook_endpoint.disabled', 'audit.entry.created']));
    await page.screenshot({ path: artifactPath('portal', 'events.png'), fullPage: true });
    expect(problems).toEqual([]);
  });
});
