#!/usr/bin/env node
// Builds the developer portal into developer-portal/dist; the API serves it at /portal. Nothing in
// it is fetched from the network at run time.
//   1. Writes the Markdown sources (lib/pages.mjs): the guides, the event catalogue, a page per error
//      code (descriptions in errors.json, codes found in api/src), a changelog page per API version
//      (notes in changelog/<version>.md).
//   2. Builds them with VitePress (.vitepress/): full-text local search, highlighted code with copy
//      buttons.
//   3. Adds the API reference at reference/: Scalar's standalone bundle and the contract with a curl
//      and an SDK sample per operation (`x-codeSamples`; openapi/openapi.json itself is not changed).
//
// `npm start` runs this on every start, so a build whose inputs have not changed since the last one
// is skipped (--force rebuilds). Each build works in a directory of its own under
// node_modules/.cache and replaces dist/ only when it has finished, so builds running at once (tests,
// a developer's `npm start`) do not clobber each other.
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { findErrorCodes } from './lib/error-codes.mjs';
import { errorEntries, readGuides, writePages } from './lib/pages.mjs';
import { addCodeSamples, SAMPLE_BASE_URL } from './lib/samples.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
const out = join(here, 'dist');
const require = createRequire(import.meta.url);
const readJson = (path) => JSON.parse(readFileSync(path, 'utf8'));
const started = performance.now();

const spec = readJson(join(root, 'openapi/openapi.json'));
const versions = readJson(join(root, 'api/src/core/http/api-versions.json'));
const { codes, defaults, unresolved } = findErrorCodes(root);
const scalarFile = require.resolve('@scalar/api-reference/browser/standalone.js');

/** Everything the output depends on: this folder's sources, the contract, the error codes found, the tools' versions. */
function fingerprint() {
  const hash = createHash('sha256');
  const skip = new Set(['dist', 'cache', '.temp']);
  const files = (dir) =>
    readdirSync(dir, { withFileTypes: true }).flatMap((e) => (skip.has(e.name) ? [] : e.isDirectory() ? files(join(dir, e.name)) : [join(dir, e.name)]));
  for (const file of [...files(here), join(root, 'scripts/sdk-namespaces.mjs')].sort()) hash.update(`${relative(root, file)}\0`).update(readFileSync(file));
  hash.update(JSON.stringify(spec)).update(JSON.stringify(versions));
  hash.update(JSON.stringify([...codes].map(([code, e]) => [code, [...e.statuses]])));
  for (const pkg of ['vitepress/package.json']) hash.update(readJson(require.resolve(pkg)).version);
  hash.update(createHash('sha256').update(readFileSync(scalarFile)).digest('hex'));
  return hash.digest('hex');
}

const stamp = join(out, '.fingerprint');
const print = fingerprint();
if (!process.argv.includes('--force') && existsSync(stamp) && readFileSync(stamp, 'utf8') === print) {
  console.log(`portal: up to date (${out}); npm run build:portal -- --force rebuilds`);
  process.exit(0);
}

const cache = join(root, 'node_modules', '.cache', 'plinth-portal');
const work = join(cache, `${process.pid}-${Date.now()}`);

/**
 * Writes `<file>.br` and `<file>.gz` beside each large text file (the Scalar bundle, the contract, the
 * search index): the API sends them as they are instead of compressing megabytes per request, and at
 * brotli's best quality, which takes seconds. Results are kept by content hash, so a rebuild
 * compresses only what changed; those unused for a week are dropped.
 */
function precompress(dir, minBytes = 200 * 1024) {
  mkdirSync(join(cache, 'compressed'), { recursive: true });
  const files = readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter(
    (f) => /\.(js|css|json|html|svg)$/.test(f) && statSync(join(dir, f)).size >= minBytes,
  );
  for (const file of files) {
    const content = readFileSync(join(dir, file));
    const sha = createHash('sha256').update(content).digest('hex');
    for (const [suffix, compress] of [
      ['br', () => brotliCompressSync(content, { params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: content.length } })],
      ['gz', () => gzipSync(content, { level: 9 })],
    ]) {
      const cached = join(cache, 'compressed', `${sha}.${suffix}`);
      if (existsSync(cached)) utimesSync(cached, new Date(), new Date());
      else writeFileSync(cached, compress());
      copyFileSync(cached, join(dir, `${file}.${suffix}`));
    }
  }
  const week = Date.now() - 7 * 24 * 3600 * 1000;
  for (const entry of readdirSync(join(cache, 'compressed'))) {
    if (statSync(join(cache, 'compressed', entry)).mtimeMs < week) rmSync(join(cache, 'compressed', entry), { force: true });
  }
  return files.length;
}
const src = join(work, 'src');
rmSync(work, { recursive: true, force: true });
try {
  const errors = errorEntries(readJson(join(here, 'errors.json')), codes);
  const pages = writePages({ dir: src, here, spec, guides: readGuides(here), errors, versions });

  // The API reference, copied as it is into dist/reference/ by VitePress (public/).
  const reference = join(src, 'public', 'reference');
  mkdirSync(reference, { recursive: true });
  const scalar = readFileSync(scalarFile);
  // A name that changes with the content: the bundle can be cached for good.
  const bundle = `scalar.${createHash('sha256').update(scalar).digest('hex').slice(0, 8)}.js`;
  writeFileSync(join(reference, bundle), scalar);
  writeFileSync(join(reference, 'index.html'), readFileSync(join(here, 'reference/index.html'), 'utf8').replace('%SCALAR_BUNDLE%', bundle));
  writeFileSync(join(reference, 'reference.js'), readFileSync(join(here, 'reference/reference.js'), 'utf8').replaceAll('%SAMPLE_BASE_URL%', SAMPLE_BASE_URL));
  copyFileSync(join(here, 'reference/reference.css'), join(reference, 'reference.css'));
  const withSamples = JSON.parse(JSON.stringify(spec));
  const sampled = addCodeSamples(withSamples);
  writeFileSync(join(reference, 'openapi.json'), JSON.stringify(withSamples));

  process.env.PLINTH_PORTAL_WORK = work;
  const { build } = await import('vitepress');
  await build(here, {
    onAfterConfigResolve(config) {
      // VitePress keeps its server bundle in .vitepress/.temp, shared by every build: use ours.
      config.tempDir = join(work, 'temp');
      config.logger.info = () => undefined;
    },
  });
  const compressed = precompress(join(work, 'dist'));
  writeFileSync(join(work, 'dist', '.fingerprint'), print);
  rmSync(out, { recursive: true, force: true });
  renameSync(join(work, 'dist'), out);

  const warnings = [
    ...unresolved.map((where) => `a problem is made at ${where} with a code this build cannot read`),
    ...errors.filter((e) => !e.described).map((e) => `error code ${e.code} has no description in developer-portal/errors.json`),
    ...errors.filter((e) => !e.inSource && !defaults.has(e.code)).map((e) => `errors.json describes ${e.code}, which no code in api/src returns`),
    ...pages.missingChangelog.map((v) => `API version ${v} has no notes in developer-portal/changelog/${v}.md`),
  ];
  for (const w of warnings) console.warn(`portal: ${w}`);
  console.log(
    `portal: ${pages.operationCount} operations (${sampled} with samples), ${pages.eventCount} events, ${errors.length} error codes, ${versions.versions.length} API version(s), ${compressed} large files precompressed -> ${out} in ${Math.round(performance.now() - started)} ms`,
  );
} finally {
  rmSync(work, { recursive: true, force: true });
}
