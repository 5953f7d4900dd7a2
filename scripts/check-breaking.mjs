#!/usr/bin/env node
// The contract's breaking-change check (`npm run contract:breaking`, run by CI after generate:check).
//
// Compares the contract (openapi/openapi.json, or the file given as the first argument) with the last
// released one, openapi/baseline/openapi.json, using api-smart-diff, which classifies every change
// as breaking, non-breaking, annotation or unclassified from the point of view of an existing client
// (removed operations and response fields, new required request fields or parameters, narrowed
// request enums or limits, changed types, defaults and status codes, stricter security...).
//
// The rules are docs/decisions/0003-api-versioning.md:
//   - No breaking change: passes (new operations, optional request fields, response fields...).
//   - A breaking change fails, unless it is behind a new API version: the contract lists a version
//     (info.x-plinth-api-versions, from api/src/core/http/api-versions.json) that is later than every
//     released one, that version is the current one (the default of the Plinth-Version parameter:
//     what a request without the header gets), and each new version has its transformation module,
//     api/src/core/http/versions/<date>.ts, which turns current responses into the previous shape.
//     The breaking changes are then listed as allowed, for the reviewer.
//   - New event types are not breaking (0003: clients ignore unknown event types), although the tool
//     sees a new branch of the event union in a response as one: an added anyOf/oneOf branch in a
//     response whose schema is an event (`object: "event"`) is listed as a new event type instead.
//   - Unclassified changes are listed for a human to judge; they do not fail the check.
// When a version is released, the baseline is refreshed (see openapi/baseline/README.md), so the
// next breaking change needs the next date.
//
// Usage: node scripts/check-breaking.mjs [candidate.json] [--baseline file] [--versions-dir dir]
// Exit: 0 no breaking change (or all behind a new version), 1 breaking change, 2 bad input.
import { apiCompare } from 'api-smart-diff';
import { existsSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';

const root = new URL('..', import.meta.url).pathname;
const { values: options, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    baseline: { type: 'string', default: join(root, 'openapi/baseline/openapi.json') },
    'versions-dir': { type: 'string', default: join(root, 'api/src/core/http/versions') },
  },
});
// Paths given on the command line are relative to where `npm run` was called (INIT_CWD).
const here = process.env.INIT_CWD ?? process.cwd();
const baselineFile = resolve(here, options.baseline);
const candidateFile = resolve(here, positionals[0] ?? join(root, 'openapi/openapi.json'));
const versionsDir = resolve(here, options['versions-dir']);
const shown = (file) => (file.startsWith(root) ? relative(root, file) : file);

function read(file) {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    console.error(`Cannot read ${shown(file)}: ${error.message}`);
    process.exit(2);
  }
}

const baselineText = read(baselineFile);
const candidateText = read(candidateFile);
const started = performance.now();
const elapsed = () => `${((performance.now() - started) / 1000).toFixed(1)} s`;
if (baselineText === candidateText) {
  console.log(`No change against the released contract (${shown(baselineFile)} is identical).`);
  process.exit(0);
}
const baseline = JSON.parse(baselineText);
const candidate = JSON.parse(candidateText);

// Versions: refine-spec.mjs writes api-versions.json into the contract, the list in info and the
// current one as the default of the Plinth-Version parameter.
const versionsOf = (spec) => spec.info?.['x-plinth-api-versions'] ?? [spec.info?.version].filter(Boolean);
const released = versionsOf(baseline);
const latestReleased = [...released].sort().at(-1) ?? '';
const listed = versionsOf(candidate);
const current = candidate.components?.parameters?.PlinthVersion?.schema?.default ?? listed.at(-1);
const newVersions = listed.filter((v) => !released.includes(v) && v > latestReleased);
const modules = newVersions.map((version) => ({ version, file: join(versionsDir, `${version}.ts`) }));
const missingModules = modules.filter((m) => !existsSync(m.file));
const behindNewVersion = newVersions.length > 0 && newVersions.includes(current) && missingModules.length === 0;

const { diffs, merged } = apiCompare(baseline, candidate);
// Component changes are reported again where an operation uses them; list each change once, there.
// Examples are documentation (the tool leaves those in header schemas unclassified).
const relevant = diffs.filter((d) => d.path[0] !== 'components' && !d.path.some((key) => key === 'example' || key === 'examples'));

// An event schema: `object` is always "event" (or a union of such schemas).
function isEvent(schema, depth = 0) {
  if (!schema || typeof schema !== 'object' || depth > 20) return false;
  if (typeof schema.$ref === 'string') {
    const target = schema.$ref
      .replace(/^#\//, '')
      .split('/')
      .map((key) => key.replaceAll('~1', '/').replaceAll('~0', '~'))
      .reduce((node, key) => node?.[key], candidate);
    return isEvent(target, depth + 1);
  }
  const enumOfObject = schema.properties?.object?.enum;
  if (Array.isArray(enumOfObject)) return enumOfObject.length === 1 && enumOfObject[0] === 'event';
  const union = schema.anyOf ?? schema.oneOf;
  if (Array.isArray(union)) return union.length > 0 && union.every((branch) => isEvent(branch, depth + 1));
  return Array.isArray(schema.allOf) && schema.allOf.some((part) => isEvent(part, depth + 1));
}
const newEventType = (d) =>
  d.type === 'breaking' && d.action === 'add' && d.path.includes('responses') && ['anyOf', 'oneOf'].includes(d.path.at(-2)) && isEvent(d.after);
const newEventTypes = relevant.filter(newEventType);
const breaking = relevant.filter((d) => d.type === 'breaking' && !newEventType(d));
// api-smart-diff pairs anyOf/oneOf branches by similarity; when a change elsewhere makes it pair two
// `$ref` branches the other way round, it reports each as replaced by the other: a permutation, no change.
const permuted = new Set();
const refSwaps = new Map();
for (const d of relevant) {
  if (d.type !== 'unclassified' || d.action !== 'replace' || d.path.at(-1) !== '$ref') continue;
  const key = d.path.slice(0, -2).join('\0');
  refSwaps.set(key, [...(refSwaps.get(key) ?? []), d]);
}
for (const group of refSwaps.values()) {
  const sorted = (values) => JSON.stringify(values.map(String).sort());
  if (sorted(group.map((d) => d.before)) === sorted(group.map((d) => d.after))) group.forEach((d) => permuted.add(d));
}
const unclassified = relevant.filter((d) => d.type === 'unclassified' && !permuted.has(d));
const nonBreaking = relevant.filter((d) => d.type === 'non-breaking' || d.type === 'deprecated' || newEventType(d));

const METHODS = new Set(['get', 'put', 'post', 'delete', 'patch', 'options', 'head', 'trace']);
const value = (v) => (v === undefined ? 'none' : JSON.stringify(v).slice(0, 80));
const at = (path) => path.reduce((node, key) => node?.[key], merged);
const done = (diff) => ({ add: 'added', remove: 'removed' })[diff.action] ?? 'replaced';

// What changed at `keyword` (e.g. `maxLength`, `enum`, `type`) of `subject`.
function change(subject, keyword, diff) {
  const key = keyword.replace(/(\.\d*)+$/, ''); // enum.1 -> enum
  if (key === 'required' && typeof (diff.before ?? diff.after) === 'string') {
    const name = `\`${subject === 'body' ? '' : `${subject.slice(1, -1)}.`}${diff.before ?? diff.after}\``;
    return `${name} ${diff.action === 'remove' ? 'no longer required' : 'now required'}`;
  }
  const ref = (diff.after ?? diff.before)?.$ref?.split('/').at(-1);
  if (!key) return `${subject} ${done(diff)}${ref ? ` (${ref})` : ''}`;
  const what = subject ? `${subject} ${key}` : key;
  if (diff.action === 'add') return `${what}: added ${value(diff.after)}`;
  if (diff.action === 'remove') return `${what}: removed ${value(diff.before)}`;
  return `${what}: ${value(diff.before)} -> ${value(diff.after)}`;
}

// `paths./v1/customers.get.responses.200.content.application/json.schema.properties.data.items.properties.email`
// reads as `GET /v1/customers` and `response 200: \`data[].email\` removed`.
function describe(diff) {
  const path = diff.path.map(String);
  if (path[0] !== 'paths') {
    const name = (diff.after ?? diff.before)?.name;
    return { where: 'document', what: diff.description || `${path.join('.')} ${done(diff)}${name ? ` (${name})` : ''}` };
  }
  const method = METHODS.has(path[2]) ? path[2] : undefined;
  const where = method ? `${method.toUpperCase()} ${path[1]}` : path[1];
  const rest = path.slice(method ? 3 : 2);
  if (rest[0] === 'parameters' && rest.length > 1) {
    const parameter = at(path.slice(0, path.length - rest.length + 2)) ?? {};
    const subject = `${parameter.in ?? ''} parameter \`${parameter.name ?? rest[1]}\``.trim();
    if (rest.length === 2) return { where, what: `${parameter.required ? 'required ' : ''}${change(subject, '', diff)}` };
    return { where, what: change(subject, rest.slice(rest[2] === 'schema' ? 3 : 2).join('.'), diff) };
  }
  const schemaAt = rest.indexOf('schema');
  if (!(rest[0] === 'responses' || rest[0] === 'requestBody') || schemaAt < 0) return { where, what: diff.description || `${rest.join(' ')} ${done(diff)}` };
  const part = rest[0] === 'responses' ? `response ${rest[1]}` : 'request body';
  const media = rest.includes('content') ? rest[rest.indexOf('content') + 1] : undefined;
  const header = rest[2] === 'headers' ? ` header \`${rest[3]}\`` : '';
  const label = `${part}${media && media !== 'application/json' ? ` (${media})` : ''}${header}`;
  let field = '';
  let keyword = '';
  const tokens = rest.slice(schemaAt + 1);
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i];
    if (token === 'properties' && i + 1 < tokens.length) field += `${field ? '.' : ''}${tokens[++i]}`;
    else if (token === 'items') field += '[]';
    else if (token === 'additionalProperties') field += '{}';
    else if (['anyOf', 'oneOf', 'allOf'].includes(token)) i++;
    else {
      keyword = tokens.slice(i).join('.');
      break;
    }
  }
  return { where, what: `${label}: ${change(field ? `\`${field}\`` : header ? '' : 'body', keyword, diff)}` };
}

// Grouped by operation; a change made to more than 5 operations at once (a shared parameter, say)
// is listed once. At most `limit` lines.
function list(changes, limit = Infinity) {
  const lines = [];
  const byOperation = new Map();
  const operationsOf = new Map();
  for (const c of changes) {
    const { where, what } = describe(c);
    if (!byOperation.has(where)) byOperation.set(where, new Set());
    byOperation.get(where).add(what);
    if (!operationsOf.has(what)) operationsOf.set(what, new Set());
    operationsOf.get(what).add(where);
  }
  const shared = [...operationsOf].filter(([, wheres]) => wheres.size > 5);
  for (const [where, whats] of byOperation) {
    const own = [...whats].filter(
      // A removed field also leaves `required`: say it once.
      (what) => operationsOf.get(what).size <= 5 && !(what.endsWith(' no longer required') && whats.has(what.replace(/ no longer required$/, ' removed'))),
    );
    if (own.length) lines.push(`  ${where}`, ...own.map((what) => `    - ${what}`));
  }
  for (const [what, wheres] of shared) lines.push(`  ${wheres.size} operations`, `    - ${what}`);
  console.log(lines.slice(0, limit).join('\n'));
  if (lines.length > limit) console.log(`  ... and ${lines.length - limit} more lines`);
}

const against = `the released contract (${shown(baselineFile)}, API versions ${released.join(', ') || 'unknown'})`;
console.log(`${shown(candidateFile)} against ${against}:`);
console.log(
  `  api-smart-diff found ${breaking.length} breaking, ${nonBreaking.length} non-breaking, ${unclassified.length} unclassified difference(s) in ${elapsed()}`,
);
if (newEventTypes.length) {
  console.log('New event types (not breaking: clients ignore unknown event types):');
  list(newEventTypes);
}
if (unclassified.length) {
  console.log('Unclassified by the tool (judge them by hand; they do not fail the check):');
  list(unclassified, 20);
}
if (breaking.length === 0) {
  console.log('No breaking change.');
  process.exit(0);
}
if (behindNewVersion) {
  console.log(`Breaking changes, allowed: they are behind the new API version ${newVersions.join(', ')} (${modules.map((m) => shown(m.file)).join(', ')}):`);
  list(breaking);
  process.exit(0);
}
console.log('Breaking changes (docs/decisions/0003-api-versioning.md):');
list(breaking);
let why;
if (newVersions.length === 0) {
  why = `no API version later than ${latestReleased} is listed. Make the change additive, or add a new date to api/src/core/http/api-versions.json (as the current version) with its transformation module api/src/core/http/versions/<date>.ts, then npm run generate.`;
} else if (!newVersions.includes(current)) {
  why = `the new version ${newVersions.join(', ')} is listed but the current version is still ${current}: a request without Plinth-Version would get the breaking shape.`;
} else {
  why = `the new version has no transformation module: add ${missingModules.map((m) => shown(m.file)).join(', ')} (how to turn the new shape into the previous one).`;
}
console.error(`\nFAIL: breaking changes against ${against}: ${why}`);
process.exit(1);
