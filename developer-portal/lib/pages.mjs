// Writes the portal's Markdown sources (VitePress builds them into pages): the home page, the
// guides, the event catalogue, a page per error code and a changelog page per API version, plus
// site.json, the navigation that .vitepress/config.mjs reads.
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { deref, exampleOf, objectView, resolvedSchema, typeLabel } from './schema.mjs';

const API_TITLES = { 413: 'Content Too Large', 422: 'Unprocessable Content' };

/** Text from the contract or a data file, safe in Markdown that VitePress compiles as a Vue template. */
export function mdText(text) {
  return String(text ?? '')
    .split(/(`[^`]*`)/)
    .map((part, i) => (i % 2 ? part : part.replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\{\{/g, '&#123;&#123;')))
    .join('');
}
const cell = (text) => mdText(text).replace(/\|/g, '\\|').replace(/\n+/g, ' ');
const json = (value) => `\`\`\`json\n${JSON.stringify(value, null, 2)}\n\`\`\``;
const yamlString = (s) => JSON.stringify(String(s));

/** The guides' front matter: `key: value` lines (values are plain text, colons included). */
function frontMatter(source) {
  const m = /^---\n([\s\S]*?)\n---\n/.exec(source);
  if (!m) return { meta: {}, body: source };
  const meta = Object.fromEntries(m[1].split('\n').map((line) => [line.slice(0, line.indexOf(':')).trim(), line.slice(line.indexOf(':') + 1).trim()]));
  return { meta, body: source.slice(m[0].length) };
}

function write(dir, path, text) {
  const file = join(dir, path);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, text);
}

/** guides/NN-slug.md, in order. */
export function readGuides(here) {
  return readdirSync(join(here, 'guides'))
    .filter((f) => f.endsWith('.md'))
    .sort()
    .map((file) => {
      const { meta, body } = frontMatter(readFileSync(join(here, 'guides', file), 'utf8'));
      const slug = file.replace(/^\d+-/, '').replace(/\.md$/, '');
      return { slug, title: meta.title ?? slug, summary: meta.summary ?? '', body };
    });
}

// ---------------------------------------------------------------------------------------------
// Events

const ACRONYMS = { Api: 'API', Sso: 'SSO', Mfa: 'Two-factor' };
const words = (name) => name.replace(/([a-z])([A-Z])/g, '$1 $2').split(' ');
export const anchorOf = (type) => type.replace(/[^a-z0-9]+/gi, '-');

/** The event types, grouped as the contract's PlinthEvent union groups them (one union per module). */
export function eventGroups(spec) {
  const schemas = spec.components.schemas;
  const name = (ref) => ref.$ref.split('/').pop();
  const leaves = (n) => {
    if (schemas[n].$ref) return leaves(name(schemas[n]));
    return schemas[n].anyOf ? schemas[n].anyOf.flatMap((r) => leaves(name(r))) : [n];
  };
  return (schemas.PlinthEvent?.anyOf ?? []).map((ref) => {
    const union = name(ref);
    const base = union.replace(/Event$/, '');
    const title = `${words(base)
      .map((w, i) => ACRONYMS[w] ?? (i ? w.toLowerCase() : w))
      .join(' ')} events`;
    const slug = words(base).join('-').toLowerCase();
    const events = leaves(union).map((schema) => {
      const s = schemas[schema];
      const type = s.properties.type.enum[0];
      return { type, schema, description: s.description ?? '', anchor: anchorOf(type), page: slug, data: s.properties.data };
    });
    return { union, title, slug, events };
  });
}

function fieldsTable(spec, node) {
  const s = objectView(spec, node);
  const required = new Set(s?.required ?? []);
  const rows = Object.entries(s?.properties ?? {}).map(([key, prop]) => {
    const p = deref(spec, prop);
    const description = p?.description ?? (prop.allOf ? deref(spec, prop.allOf[0])?.description : undefined) ?? '';
    return `| \`${key}\` | ${cell(typeLabel(spec, prop))}${required.has(key) ? '' : ', optional'} | ${cell(description)} |`;
  });
  return rows.length ? ['| field | type | description |', '| --- | --- | --- |', ...rows].join('\n') : '';
}

function eventSection(spec, e) {
  const data = objectView(spec, e.data);
  const object = data.properties.object;
  const objectName = object?.$ref?.split('/').pop();
  const previous = data.properties.previous_attributes;
  return [
    `## ${e.type} {#${e.anchor}}`,
    '',
    mdText(e.description),
    '',
    `Schema \`${e.schema}\`: the [envelope](./#the-event-envelope) with \`type\` \`"${e.type}"\` and \`data.object\` a${/^[AEIOU]/.test(objectName ?? '') ? 'n' : ''} \`${objectName ?? 'object'}\`${previous ? ', and `data.previous_attributes` the changed fields’ values before the change' : ''}.`,
    '',
    fieldsTable(spec, object),
    '',
    '::: details Example',
    json(exampleOf(spec, { $ref: `#/components/schemas/${e.schema}` })),
    ':::',
    '',
    `[JSON Schema](./schemas/${e.type}.json){target="_self"} (the one \`GET /v1/event-types\` serves)`,
    '',
  ].join('\n');
}

function writeEvents(dir, spec) {
  const groups = eventGroups(spec);
  const all = groups.flatMap((g) => g.events).sort((a, b) => a.type.localeCompare(b.type));
  const envelope = objectView(spec, { $ref: `#/components/schemas/${all[0]?.schema}` });
  const rows = all.map(
    (e) =>
      `| [\`${e.type}\`](./${e.page}#${e.anchor}) | ${cell(e.description)} | ${e.data.properties?.previous_attributes ? 'yes' : ''} | [${e.schema}](./${e.page}#${e.anchor}) |`,
  );
  write(
    dir,
    'events/index.md',
    `---
title: Event catalogue
---

# Event catalogue

Every change in Plinth is one of these ${all.length} events. \`GET /v1/events\` lists them, \`GET /v1/event-types\`
serves each type's JSON Schema, and [webhook endpoints](../guides/webhooks) receive the ones they subscribe to.
Each type links to its schema.

| type | when | \`previous_attributes\` | schema |
| --- | --- | --- | --- |
${rows.join('\n')}

## The event envelope

Every event has the same envelope; \`type\` names the event and \`data.object\` is the object as it is after the change.

${fieldsTable(spec, { properties: Object.fromEntries(Object.entries(envelope?.properties ?? {}).filter(([k]) => k !== 'data')), required: envelope?.required })}
| \`data\` | object | \`object\`: the object after the change; for updates, \`previous_attributes\`: the changed fields before it. |

Write handlers that ignore event types and fields they do not know: new ones are added without a new API version.
`,
  );
  for (const e of all) write(dir, `public/events/schemas/${e.type}.json`, JSON.stringify(resolvedSchema(e.schema, spec), null, 2));
  for (const g of groups) {
    write(
      dir,
      `events/${g.slug}.md`,
      `---\ntitle: ${yamlString(g.title)}\n---\n\n# ${g.title}\n\nBack to the [event catalogue](./).\n\n${g.events.map((e) => eventSection(spec, e)).join('\n')}`,
    );
  }
  return groups;
}

// ---------------------------------------------------------------------------------------------
// Errors

/** Every documented code, with its statuses from the source (or, for a code not found there, from errors.json). */
export function errorEntries(described, found) {
  const codes = new Set([...Object.keys(described), ...found.keys()]);
  return [...codes].sort().map((code) => {
    const d = described[code] ?? {};
    const statuses = [...(found.get(code)?.statuses ?? [])].sort();
    return {
      code,
      statuses: statuses.length ? statuses : d.status ? [d.status] : [],
      title: d.title ?? code,
      meaning: d.meaning ?? 'This code is not described yet.',
      action: d.action ?? 'Read `detail` in the problem for what went wrong.',
      see: d.see,
      inSource: found.has(code),
      described: !!described[code],
    };
  });
}

const statusLabel = (status) => `${status} ${API_TITLES[status] ?? STATUS_NAMES[status] ?? ''}`.trim();
const STATUS_NAMES = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  408: 'Request Timeout',
  409: 'Conflict',
  410: 'Gone',
  415: 'Unsupported Media Type',
  429: 'Too Many Requests',
  431: 'Request Header Fields Too Large',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
};

function writeErrors(dir, entries, seeTitles) {
  for (const e of entries) {
    const status = e.statuses[0] ?? 400;
    const example = {
      type: `https://plinth.example.com/portal/errors/${e.code}`,
      title: API_TITLES[status] ?? STATUS_NAMES[status],
      status,
      detail: '…',
      code: e.code,
      request_id: 'req_01JDA4Y7Q5X3M8N2P6R9T0V1W2',
    };
    const see = e.see ? `\n\nSee also: [${seeTitles.get(e.see) ?? e.see}](..${e.see}).` : '';
    write(
      dir,
      `errors/${e.code}.md`,
      `---
title: ${yamlString(`${e.code}: ${e.title}`)}
---

# ${e.code}

**${e.statuses.length ? e.statuses.map(statusLabel).join(', ') : '4xx (the status of the refused request)'}** · ${mdText(e.title)}

${mdText(e.meaning)}

## What to do

${mdText(e.action)}${see}

## The problem

Plinth answers with \`application/problem+json\` ([all errors](./)); its \`type\` is this page:

${json(example)}
`,
    );
  }
  const byStatus = Map.groupBy(entries, (e) => e.statuses[0] ?? 0);
  const sections = [...byStatus.keys()]
    .sort((a, b) => a - b)
    .map(
      (status) =>
        `## ${status ? statusLabel(status) : 'Other statuses'}\n\n| code | meaning |\n| --- | --- |\n${byStatus
          .get(status)
          .map((e) => `| [\`${e.code}\`](./${e.code}) | ${cell(e.title)} |`)
          .join('\n')}`,
    );
  write(
    dir,
    'errors/index.md',
    `---
title: Error codes
---

# Error codes

Every error is an [RFC 9457](https://www.rfc-editor.org/rfc/rfc9457) problem (\`application/problem+json\`) with a
stable \`code\`, and its \`type\` is the URL of the code's page here (\`<PUBLIC_URL>/portal/errors/<code>\`).
Branch on \`code\`; show \`detail\` to a person; quote \`request_id\` to support. See the [errors guide](../guides/errors).

${sections.join('\n\n')}
`,
  );
  return byStatus;
}

// ---------------------------------------------------------------------------------------------
// Changelog

function writeChangelog(dir, here, versions, spec, eventCount) {
  const newestFirst = [...versions.versions].sort().reverse();
  const operations = Object.entries(spec.paths).flatMap(([path, item]) =>
    Object.entries(item)
      .filter(([m]) => ['get', 'post', 'put', 'patch', 'delete'].includes(m))
      .map(([method, op]) => ({ method: method.toUpperCase(), path, summary: op.summary ?? op.operationId, tag: op.tags?.[0] ?? 'Other' })),
  );
  const missing = [];
  for (const [i, version] of newestFirst.entries()) {
    const notesFile = join(here, 'changelog', `${version}.md`);
    if (!existsSync(notesFile)) missing.push(version);
    const notes = existsSync(notesFile) ? readFileSync(notesFile, 'utf8').trim() : 'No notes for this version yet.';
    const status =
      version === versions.current ? 'the current version' : i < newestFirst.indexOf(versions.current) ? 'a preview' : 'an older version, still supported';
    const first = i === newestFirst.length - 1;
    const inventory = first
      ? `\n\n## In this version\n\n${[...Map.groupBy(operations, (o) => o.tag)]
          .map(([tag, ops]) => `### ${tag}\n\n${ops.map((o) => `- ${mdText(o.summary)}: \`${o.method} ${o.path}\``).join('\n')}`)
          .join('\n\n')}\n\n### Events\n\n${eventCount} event types, listed in the [event catalogue](../events/).`
      : '';
    write(
      dir,
      `changelog/${version}.md`,
      `---\ntitle: ${yamlString(`API version ${version}`)}\n---\n\n# API version ${version}\n\n${version} is ${status}. Send \`Plinth-Version: ${version}\` to pin it ([API versions](../guides/versioning)).\n\n${mdText(notes)}${inventory}\n`,
    );
  }
  write(
    dir,
    'changelog/index.md',
    `---\ntitle: Changelog\n---\n\n# Changelog\n\nOne page per API version, newest first. Which changes need a new version is explained in [API versions](../guides/versioning).\n\n${newestFirst.map((v) => `- [${v}](./${v})${v === versions.current ? ' (current)' : ''}`).join('\n')}\n`,
  );
  return { newestFirst, missing };
}

// ---------------------------------------------------------------------------------------------

/** Writes every page into `dir`; returns the navigation and what the build should warn about. */
export function writePages({ dir, here, spec, guides, errors, versions }) {
  const seeTitles = new Map([...guides.map((g) => [`/guides/${g.slug}`, g.title]), ['/events/', 'Event catalogue']]);
  for (const g of guides) write(dir, `guides/${g.slug}.md`, `---\ntitle: ${yamlString(g.title)}\ndescription: ${yamlString(g.summary)}\n---\n${g.body}`);
  const groups = writeEvents(dir, spec);
  const eventCount = groups.reduce((n, g) => n + g.events.length, 0);
  const byStatus = writeErrors(dir, errors, seeTitles);
  const changelog = writeChangelog(dir, here, versions, spec, eventCount);
  const operationCount = Object.values(spec.paths).reduce((n, item) => n + Object.keys(item).filter((k) => k !== 'parameters').length, 0);

  write(
    dir,
    'index.md',
    `---
layout: home
title: Plinth developers
hero:
  name: Plinth
  text: Developer portal
  tagline: ${yamlString((spec.info?.description ?? 'A headless, API-first platform core for multi-tenant SaaS.').replace(/`/g, ''))}
  actions:
    - { theme: brand, text: Quick start, link: /guides/quickstart }
    - { theme: alt, text: API reference, link: /reference/, target: _self }
    - { theme: alt, text: Event catalogue, link: /events/ }
features:
${guides.map((g) => `  - { title: ${yamlString(g.title)}, details: ${yamlString(g.summary)}, link: /guides/${g.slug} }`).join('\n')}
---

<p class="plinth-facts">${operationCount} operations · ${eventCount} event types · ${errors.length} error codes · API version <code>${versions.current}</code></p>
`,
  );

  const reference = { text: 'API reference', link: '/reference/', target: '_self' };
  const site = {
    nav: [
      { text: 'Guides', link: '/guides/quickstart', activeMatch: '^/guides/' },
      reference,
      { text: 'Events', link: '/events/', activeMatch: '^/events/' },
      { text: 'Errors', link: '/errors/', activeMatch: '^/errors/' },
      { text: 'Changelog', link: '/changelog/', activeMatch: '^/changelog/' },
    ],
    sidebar: {
      '/events/': [
        { text: 'Events', items: [{ text: 'Event catalogue', link: '/events/' }, ...groups.map((g) => ({ text: g.title, link: `/events/${g.slug}` }))] },
      ],
      '/errors/': [
        {
          text: 'Errors',
          items: [
            { text: 'All error codes', link: '/errors/' },
            { text: 'Errors guide', link: '/guides/errors' },
          ],
        },
        ...[...byStatus].map(([status, list]) => ({
          text: status ? statusLabel(status) : 'Other statuses',
          collapsed: true,
          items: list.map((e) => ({ text: e.code, link: `/errors/${e.code}` })),
        })),
      ],
      '/changelog/': [{ text: 'Changelog', items: changelog.newestFirst.map((v) => ({ text: v, link: `/changelog/${v}` })) }],
      '/': [
        { text: 'Guides', items: guides.map((g) => ({ text: g.title, link: `/guides/${g.slug}` })) },
        {
          text: 'Reference',
          items: [
            reference,
            { text: 'Event catalogue', link: '/events/' },
            { text: 'Error codes', link: '/errors/' },
            { text: 'Changelog', link: '/changelog/' },
          ],
        },
      ],
    },
  };
  write(dir, 'site.json', JSON.stringify(site, null, 2));
  return { eventCount, operationCount, missingChangelog: changelog.missing };
}
