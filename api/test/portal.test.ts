import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import ts from 'typescript';
import { createTestApp, newTenant, TEST_PUBLIC_URL, type TestApp } from './harness';
import { artifactPath, browserAvailable, launch } from './support/browser';

/**
 * The developer portal (developer-portal/, built with VitePress and Scalar) as a reader meets it, in
 * headless Chromium against a running Plinth: every page loads with no console error, no failed
 * request and nothing fetched from another origin; no link is broken; search finds error codes and
 * settings; the event catalogue's schema links land on their schemas; the reference's try-it calls
 * this server; every operation has curl and SDK samples, and the SDK samples compile against the SDK;
 * every problem code the API can return has a page, which its `type` URI resolves to. Screenshots go
 * to artifacts/portal/.
 */
const run = browserAvailable() ? describe : describe.skip;

const ROOT = join(__dirname, '..', '..');
const DIST = join(ROOT, 'developer-portal', 'dist');

interface Operation {
  operationId: string;
  'x-codeSamples'?: { lang: string; label: string; source: string }[];
}
type Spec = { paths: Record<string, Record<string, Operation>> };

/** What the build's own scanner finds in api/src (developer-portal/lib/error-codes.mjs). */
function errorCodesInSource(): { codes: Record<string, number[]>; unresolved: string[] } {
  const script = `
    const { findErrorCodes } = await import(${JSON.stringify(join(ROOT, 'developer-portal/lib/error-codes.mjs'))});
    const { codes, unresolved } = findErrorCodes(${JSON.stringify(ROOT)});
    console.log(JSON.stringify({ codes: Object.fromEntries([...codes].map(([c, e]) => [c, [...e.statuses]])), unresolved }));`;
  return JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' })) as ReturnType<typeof errorCodesInSource>;
}

/** Every page of the built site, as a URL path (`/portal/errors/unsafe_url`), and the reference. */
function sitePages(): string[] {
  const pages = readdirSync(DIST, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.html') && f !== '404.html' && !f.startsWith('reference/'))
    .map(
      (f) =>
        `/portal/${f
          .replace(/\\/g, '/')
          .replace(/(^|\/)index\.html$/, '$1')
          .replace(/\.html$/, '')}`,
    );
  return [...pages.sort(), '/portal/reference/'];
}

run('developer portal', () => {
  let t: TestApp;
  let server: Server;
  let base: string;
  let browser: Browser;
  let context: BrowserContext;
  const problems: string[] = [];

  beforeAll(async () => {
    // Skipped by the build itself when nothing it depends on changed since the last one.
    execFileSync(process.execPath, [join(ROOT, 'developer-portal', 'build.mjs')], { stdio: 'pipe' });
    t = await createTestApp();
    server = await new Promise((resolve) => {
      const s = t.app.listen(0, '127.0.0.1', () => resolve(s));
    });
    base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    browser = await launch();
    context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  }, 120_000);
  beforeEach(() => {
    problems.length = 0;
  });
  afterAll(async () => {
    await browser?.close();
    await new Promise((resolve) => server?.close(resolve));
    await t?.close();
  });

  /** A page that records console errors, failed requests and any request to another origin. */
  async function newPage(): Promise<Page> {
    const page = await context.newPage();
    let at = '';
    page.on('framenavigated', (frame) => {
      if (frame === page.mainFrame()) at = new URL(frame.url()).pathname;
    });
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(`${at}: console error: ${m.text()}`);
    });
    page.on('pageerror', (e) => problems.push(`${at}: page error: ${e.message}`));
    page.on('requestfailed', (r) => {
      // A prefetch that the next navigation cancels is not a failure.
      if (r.failure()?.errorText !== 'net::ERR_ABORTED') problems.push(`${at}: request failed: ${r.url()} ${r.failure()?.errorText}`);
    });
    page.on('request', (r) => {
      if (!r.url().startsWith(`${base}/`) && !/^(data|blob):/.test(r.url())) problems.push(`${at}: external request ${r.url()}`);
    });
    return page;
  }

  it('answers 200 for every page, link and asset of the site, with every anchor present and nothing loaded from elsewhere', async () => {
    const html = new Map<string, string>();
    const status = new Map<string, number>();
    const get = async (path: string): Promise<number> => {
      if (!status.has(path)) {
        const res = await t.http.get(path);
        status.set(path, res.status);
        if (res.status === 200 && /html/.test(res.headers['content-type'] ?? '')) html.set(path, res.text);
      }
      return status.get(path)!;
    };
    const broken: string[] = [];
    for (const from of sitePages()) {
      if ((await get(from)) !== 200) broken.push(`${from} (${status.get(from)})`);
      const source = html.get(from) ?? '';
      // What the page loads itself (scripts, styles, fonts, images) must come from this server.
      for (const [tag] of source.matchAll(/<(?:script|link|img|iframe|source)\b[^>]*>/g)) {
        const url = /\b(?:src|href)="([^"]+)"/.exec(tag)?.[1];
        if (url && /^(https?:)?\/\//.test(url)) broken.push(`${from} loads ${url} from another origin`);
      }
      for (const [, raw] of source.matchAll(/\b(?:href|src)="([^"]+)"/g)) {
        const target = new URL(raw.replace(/&amp;/g, '&'), `${base}${from}`);
        if (target.origin !== base) continue;
        const code = await get(target.pathname);
        if (code !== 200) broken.push(`${from} -> ${target.pathname} (${code})`);
        else if (target.hash && html.has(target.pathname) && !target.pathname.startsWith('/portal/reference/')) {
          const id = decodeURIComponent(target.hash.slice(1));
          if (!html.get(target.pathname)!.includes(`id="${id}"`)) broken.push(`${from} -> ${target.pathname}${target.hash} (no such anchor)`);
        }
      }
    }
    expect(broken).toEqual([]);
    expect(html.size).toBeGreaterThan(150);
    expect(status.size).toBeGreaterThan(250);
  }, 60_000);

  it('loads a page of each kind in Chromium with no console error, no failed request and nothing from another origin', async () => {
    const { current } = JSON.parse(readFileSync(join(ROOT, 'api', 'src', 'core', 'http', 'api-versions.json'), 'utf8')) as { current: string };
    const guides = sitePages().filter((p) => p.startsWith('/portal/guides/'));
    const pages = [
      '/portal/',
      ...guides,
      '/portal/events/',
      '/portal/events/customer',
      '/portal/errors/',
      '/portal/errors/unsafe_url',
      '/portal/changelog/',
      `/portal/changelog/${current}`,
    ];
    expect(guides.length).toBeGreaterThanOrEqual(11);
    const page = await newPage();
    page.on('response', (r) => {
      if (r.status() >= 400) problems.push(`${new URL(page.url()).pathname}: ${r.status()} for ${r.url()}`);
    });
    for (const path of pages) {
      await page.goto(`${base}${path}`, { waitUntil: 'load' });
      expect(await page.title()).toMatch(/Plinth developers/);
    }
    // Highlighted code with copy buttons, and in-site navigation (VitePress's router).
    await page.goto(`${base}/portal/guides/quickstart`, { waitUntil: 'networkidle' });
    expect(await page.locator('div[class*="language-sh"] pre code').count()).toBeGreaterThan(4);
    expect(await page.locator('div[class*="language-"] button.copy').count()).toBeGreaterThan(4);
    expect(await page.locator('pre.shiki span[style*="--shiki-light"]').count()).toBeGreaterThan(10);
    await page.screenshot({ path: artifactPath('portal', 'quickstart.png') });
    await page.locator('.VPSidebar a[href="/portal/guides/webhooks"]').click();
    await page.waitForURL(`${base}/portal/guides/webhooks`);
    await page.locator('h2#receiving-webhooks-on-your-machine').waitFor();
    await page.goto(`${base}/portal/`, { waitUntil: 'networkidle' });
    await page.screenshot({ path: artifactPath('portal', 'home.png'), fullPage: true });
    expect(problems).toEqual([]);
  }, 90_000);

  it('finds an error code and a setting with search', async () => {
    const page = await newPage();
    await page.goto(`${base}/portal/`, { waitUntil: 'networkidle' });
    for (const [query, expected] of [
      ['unsafe_url', '/portal/errors/unsafe_url'],
      ['WEBHOOK_ALLOW_PRIVATE_NETWORKS', '/portal/guides/webhooks'],
    ] as const) {
      await page.locator('#local-search button').click();
      await page.locator('#localsearch-input').fill(query);
      await page.waitForSelector('#localsearch-list a');
      const results = await page.locator('#localsearch-list a').evaluateAll((as) => as.map((a) => new URL((a as HTMLAnchorElement).href).pathname));
      expect(results.slice(0, 3)).toContain(expected);
      await page.screenshot({ path: artifactPath('portal', `search-${query}.png`) });
      await page.keyboard.press('Escape');
    }
    expect(problems).toEqual([]);
  });

  it('links each event of the catalogue to its schema', async () => {
    const page = await newPage();
    await page.goto(`${base}/portal/events/`, { waitUntil: 'networkidle' });
    const links = page.locator('table a[href*="#"]');
    expect(await links.count()).toBeGreaterThanOrEqual(2 * 38);
    await page.getByRole('link', { name: 'CustomerUpdatedEvent' }).click();
    await page.waitForURL(/\/portal\/events\/customer#customer-updated$/);
    const heading = page.locator('h2#customer-updated');
    await heading.waitFor({ state: 'visible' });
    // The router renders the page, then scrolls to the anchor: the schema ends up in view.
    await page.waitForFunction(() => {
      const top = document.getElementById('customer-updated')?.getBoundingClientRect().top;
      return top !== undefined && top >= 0 && top < window.innerHeight / 2;
    });
    expect(await page.locator('h2#customer-updated ~ table').first().textContent()).toContain('email');
    await page.screenshot({ path: artifactPath('portal', 'event-schema.png') });
    expect(problems).toEqual([]);
  });

  it('runs a request from the API reference against this server (try-it)', async () => {
    const tenant = await newTenant(t);
    await t.http.post('/v1/customers').set(tenant.auth).send({ name: 'Try-it Customer', email: 'try-it@example.com' }).expect(201);
    const page = await newPage();
    // What loading the reference costs, from an empty cache (compressed: see the last test).
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
    let transferred = 0;
    cdp.on('Network.loadingFinished', (e) => void (transferred += e.encodedDataLength));
    const started = Date.now();
    await page.goto(`${base}/portal/reference/#tag/customers/GET/v1/customers`, { waitUntil: 'load' });
    const operation = page.locator('[id$="/tag/customers/GET/v1/customers"]');
    await operation.waitFor({ timeout: 60_000 });
    const rendered = Date.now() - started;
    process.stdout.write(`portal: the API reference transferred ${Math.round(transferred / 1024)} KiB and rendered in ${rendered} ms\n`);
    // Redoc's portal sent 1.6 MB; Scalar's bundle is 3.5 MB, 0.8 MB in brotli.
    expect(transferred).toBeLessThan(1024 * 1024);
    await operation.getByRole('button', { name: /Test Request/ }).click();
    // The client's Bearer Token field (the intro's is the first), then Send.
    await page.getByPlaceholder('Token').last().fill(tenant.apiKey);
    const call = page.waitForResponse((r) => r.url().startsWith(`${base}/v1/customers`));
    await page.getByRole('button', { name: /^Send/ }).first().click();
    const response = await call;
    expect(response.status()).toBe(200);
    expect(response.request().headers().authorization).toBe(`Bearer ${tenant.apiKey}`);
    await page.getByText('Try-it Customer').first().waitFor();
    await page.screenshot({ path: artifactPath('portal', 'reference-try-it.png') });
    expect(problems).toEqual([]);
  }, 90_000);

  it('gives every operation a curl and an SDK sample, and the SDK samples compile against the SDK', async () => {
    const spec = (await t.http.get('/portal/reference/openapi.json').expect(200)).body as Spec;
    const operations = Object.values(spec.paths).flatMap((item) => Object.values(item));
    expect(operations.length).toBeGreaterThan(50);
    const missing = operations.filter((op) => {
      const labels = (op['x-codeSamples'] ?? []).map((s) => s.label);
      return !labels.includes('curl') || !labels.includes('TypeScript SDK');
    });
    expect(missing.map((op) => op.operationId)).toEqual([]);

    const dir = mkdtempSync(join(tmpdir(), 'plinth-samples-'));
    try {
      const files = operations.flatMap((op) => {
        const sdk = op['x-codeSamples']!.find((s) => s.label === 'TypeScript SDK')!.source;
        if (!sdk.includes("from '@plinth/sdk'")) return []; // an operation the SDK leaves to the browser (it says so)
        const file = join(dir, `${op.operationId}.ts`);
        writeFileSync(file, sdk);
        return [file];
      });
      expect(files.length).toBeGreaterThan(operations.length - 5);
      // CommonJS (no "type": "module" around them): top-level await would not compile.
      const program = ts.createProgram(files, {
        module: ts.ModuleKind.NodeNext,
        moduleResolution: ts.ModuleResolutionKind.NodeNext,
        target: ts.ScriptTarget.ES2023,
        lib: ['lib.es2023.d.ts', 'lib.dom.d.ts'],
        strict: true,
        noEmit: true,
        skipLibCheck: true,
        types: ['node'],
        typeRoots: [join(ROOT, 'node_modules', '@types')],
        paths: { '@plinth/sdk': [join(ROOT, 'sdks', 'typescript', 'src', 'index.ts')] },
      });
      const errors = ts
        .getPreEmitDiagnostics(program)
        .map((d) => `${d.file ? relative(dir, d.file.fileName) : ''}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`);
      expect(errors).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);

  it('has a page for every problem code the API can return, and problem types resolve to them', async () => {
    const { codes, unresolved } = errorCodesInSource();
    expect(unresolved).toEqual([]);
    expect(Object.keys(codes)).toEqual(expect.arrayContaining(['unsafe_url', 'resource_missing', 'unauthenticated', 'validation_failed', 'rate_limited']));
    const described = JSON.parse(readFileSync(join(ROOT, 'developer-portal', 'errors.json'), 'utf8')) as Record<string, { meaning: string; action: string }>;
    expect(Object.keys(codes).filter((code) => !described[code]?.meaning || !described[code]?.action)).toEqual([]);
    expect(Object.keys(codes).filter((code) => !existsSync(join(DIST, 'errors', `${code}.html`)))).toEqual([]);

    const problem = await t.http.get('/v1/customers');
    expect(problem.body).toMatchObject({ code: 'unauthenticated', type: `${TEST_PUBLIC_URL}/portal/errors/unauthenticated` });
    const page = await t.http.get(new URL(problem.body.type as string).pathname);
    expect(page.status).toBe(200);
    expect(page.text).toContain('Credentials required');
  });

  it('has a changelog page per API version', async () => {
    const { versions } = JSON.parse(readFileSync(join(ROOT, 'api', 'src', 'core', 'http', 'api-versions.json'), 'utf8')) as { versions: string[] };
    for (const version of versions) {
      const res = await t.http.get(`/portal/changelog/${version}`);
      expect(res.status).toBe(200);
      expect(res.text).toContain(`API version ${version}`);
    }
  });

  it('compresses the portal, and only the portal', async () => {
    const bundle = readdirSync(join(DIST, 'reference')).find((f) => /^scalar\.\w{8}\.js$/.test(f))!;
    // As browsers ask: brotli, precompressed by the build; gzip for clients without it.
    const asset = await t.http.head(`/portal/reference/${bundle}`).set('Accept-Encoding', 'gzip, deflate, br, zstd');
    expect(asset.headers).toMatchObject({ 'content-encoding': 'br', 'content-type': expect.stringMatching(/javascript/) });
    expect(asset.headers['cache-control']).toContain('immutable');
    expect((await t.http.head(`/portal/reference/${bundle}`).set('Accept-Encoding', 'gzip')).headers['content-encoding']).toBe('gzip');
    const page = await t.http.get('/portal/guides/quickstart').set('Accept-Encoding', 'gzip');
    expect(page.headers['content-encoding']).toBe('gzip');
    for (const path of ['/openapi.json', '/v1/customers', '/v1/event-types']) {
      const res = await t.http.get(path).set('Accept-Encoding', 'br, gzip');
      expect({ path, encoding: res.headers['content-encoding'] }).toEqual({ path, encoding: undefined });
    }
  });
});
