#!/usr/bin/env node
// Rebuilds the contract and everything derived from it, in order:
//   0. from the module registry (scripts/registry.mjs): api/src/modules/events/catalogue.ts, the union of
//      every module's event types
//   1. tsoa: api/src/generated/routes.ts and openapi/openapi.json (from the controllers), then
//      scripts/refine-spec.mjs adds what tsoa cannot express (problem+json, shared middleware responses)
//   2. @hey-api/openapi-ts: sdks/typescript/src/generated (the SDK's client, operations and types)
//   3. scripts/sdk-namespaces.mjs: sdks/typescript/src/namespaces.gen.ts (the Plinth client's namespaces)
//   4. scripts/config-table.mjs: the README's configuration table, from the settings schema (api/src/core/config.ts)
// With --check it regenerates and fails if any committed generated file changed (CI runs this).
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { refineSpec } from './refine-spec.mjs';
import { loadRegistry } from './registry.mjs';
import { writeEventCatalogue } from './event-catalogue.mjs';
import { writeNamespaces } from './sdk-namespaces.mjs';
import { writeConfigTable } from './config-table.mjs';

const root = new URL('..', import.meta.url).pathname;
const check = process.argv.includes('--check');
const outputs = [
  'api/src/generated',
  'api/src/modules/events/catalogue.ts',
  'openapi/openapi.json',
  'sdks/typescript/src/generated',
  'sdks/typescript/src/namespaces.gen.ts',
  'sdks/typescript/src/api-version.ts',
  'README.md',
];

function files(path) {
  const abs = join(root, path);
  if (!existsSync(abs)) return [];
  if (statSync(abs).isFile()) return [path];
  return readdirSync(abs, { recursive: true })
    .map((f) => join(path, f))
    .filter((f) => statSync(join(root, f)).isFile());
}

function snapshot() {
  return new Map(outputs.flatMap(files).map((f) => [f, readFileSync(join(root, f), 'utf8')]));
}

const bin = (name) => join(root, 'node_modules', '.bin', name);
const run = (cmd, args, cwd = root) => execFileSync(cmd, args, { cwd, stdio: ['ignore', 'inherit', 'inherit'] });

const before = check ? snapshot() : undefined;

const registry = loadRegistry();
await writeEventCatalogue(root, registry);
// Tags already in the contract keep their place (new ones follow in module order): adding a module
// changes the contract by what it adds.
const specFile = join(root, 'openapi/openapi.json');
const previousTags = existsSync(specFile) ? (JSON.parse(readFileSync(specFile, 'utf8')).tags ?? []).map((t) => t.name) : [];
const rank = (name) => (previousTags.includes(name) ? previousTags.indexOf(name) : previousTags.length);
const tags = [...registry.tags].sort((a, b) => rank(a.name) - rank(b.name));
run(bin('tsoa'), ['spec-and-routes'], join(root, 'api'));
refineSpec(specFile, join(root, 'api/src/core/http/api-versions.json'), tags);
run(bin('openapi-ts'), ['-i', './openapi/openapi.json', '-o', 'sdks/typescript/src/generated', '-c', '@hey-api/client-fetch', '-s']);
await writeNamespaces(root);
await writeConfigTable(root);

const { current } = JSON.parse(readFileSync(join(root, 'api/src/core/http/api-versions.json'), 'utf8'));
writeFileSync(
  join(root, 'sdks/typescript/src/api-version.ts'),
  `// Generated from api/src/core/http/api-versions.json (npm run generate). Do not edit.\n/** The API version this SDK was generated against; it sends it as Plinth-Version. */\nexport const API_VERSION = '${current}';\n`,
);

if (check) {
  const after = snapshot();
  const changed = [...new Set([...before.keys(), ...after.keys()])].filter((f) => before.get(f) !== after.get(f));
  if (changed.length) {
    console.error(
      `Generated files are stale (${changed.length}):\n${changed.map((f) => `  ${relative(root, join(root, f))}`).join('\n')}\nRun 'npm run generate' and commit the result.`,
    );
    process.exit(1);
  }
  console.log(`generate:check: ${after.size} generated files are up to date.`);
}
