#!/usr/bin/env node
// Builds the developer portal into developer-portal/dist from openapi/openapi.json and guides/*.md:
// the API reference (Redoc, served from this folder: nothing is fetched from the network at run
// time), the guides, the event catalogue and a search index. The API serves it at /portal.
import { copyFileSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { marked } from 'marked';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
const out = join(here, 'dist');
const require = createRequire(import.meta.url);
const spec = JSON.parse(readFileSync(join(root, 'openapi/openapi.json'), 'utf8'));

const escape = (s) => String(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);

function frontMatter(source) {
  const m = /^---\n([\s\S]*?)\n---\n/.exec(source);
  if (!m) return { meta: {}, body: source };
  const meta = Object.fromEntries(m[1].split('\n').map((line) => [line.slice(0, line.indexOf(':')).trim(), line.slice(line.indexOf(':') + 1).trim()]));
  return { meta, body: source.slice(m[0].length) };
}

const guides = readdirSync(join(here, 'guides'))
  .filter((f) => f.endsWith('.md'))
  .sort()
  .map((file) => {
    const { meta, body } = frontMatter(readFileSync(join(here, 'guides', file), 'utf8'));
    const slug = file.replace(/^\d+-/, '').replace(/\.md$/, '');
    return { slug, title: meta.title ?? slug, summary: meta.summary ?? '', body };
  });

function page({ title, depth, body, current }) {
  const up = depth ? '../'.repeat(depth) : '';
  const nav = [['index.html', 'Home'], ['reference.html', 'API reference'], ['events.html', 'Events'], ...guides.map((g) => [`guides/${g.slug}.html`, g.title])]
    .map(([href, label]) => `<a href="${up}${href}"${current === href ? ' aria-current="page"' : ''}>${escape(label)}</a>`)
    .join('\n        ');
  return `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>${escape(title)} · Plinth developers</title>
    <link rel="stylesheet" href="${up}assets/portal.css" />
    <link rel="icon" href="data:," />
  </head>
  <body data-root="${up}">
    <header class="top">
      <a class="brand" href="${up}index.html">Plinth <span>developers</span></a>
      <div class="search">
        <input id="search" type="search" placeholder="Search guides, operations, events" aria-label="Search" autocomplete="off" />
        <ul id="search-results" role="listbox"></ul>
      </div>
    </header>
    <div class="layout">
      <nav class="side">
        ${nav}
      </nav>
      <main>${body}</main>
    </div>
    <script src="${up}assets/search.js"></script>
  </body>
</html>
`;
}

rmSync(out, { recursive: true, force: true });
mkdirSync(join(out, 'guides'), { recursive: true });
mkdirSync(join(out, 'assets'), { recursive: true });
copyFileSync(join(here, 'assets/portal.css'), join(out, 'assets/portal.css'));
copyFileSync(join(here, 'assets/search.js'), join(out, 'assets/search.js'));
// Redoc's sidebar credit loads its logo from a CDN; the portal fetches nothing from the network, so
// the logo is served from this folder instead.
const redoc = readFileSync(require.resolve('redoc/bundles/redoc.standalone.js'), 'utf8');
const cdnLogo = 'https://cdn.redoc.ly/redoc/logo-mini.svg';
if (!redoc.includes(cdnLogo)) console.warn('portal: the Redoc bundle no longer references its CDN logo; check for other network requests');
writeFileSync(join(out, 'assets/redoc.standalone.js'), redoc.replaceAll(cdnLogo, 'assets/redoc-logo.svg'));
copyFileSync(join(here, 'assets/redoc-logo.svg'), join(out, 'assets/redoc-logo.svg'));
writeFileSync(join(out, 'openapi.json'), JSON.stringify(spec));

const operations = Object.entries(spec.paths).flatMap(([path, ops]) =>
  Object.entries(ops).map(([method, op]) => ({
    method: method.toUpperCase(),
    path,
    id: op.operationId,
    summary: op.summary ?? op.operationId,
    tag: op.tags?.[0] ?? '',
  })),
);
// PlinthEvent is a union of unions (one per module): flatten it to the event schemas.
const leaves = (name) => {
  const schema = spec.components.schemas[name];
  if (schema.$ref) return leaves(schema.$ref.split('/').pop());
  return schema.anyOf ? schema.anyOf.flatMap((ref) => leaves(ref.$ref.split('/').pop())) : [name];
};
const eventSchemas = spec.components.schemas.PlinthEvent ? leaves('PlinthEvent') : [];
const events = eventSchemas
  .map((name) => {
    const schema = spec.components.schemas[name];
    return {
      type: schema.properties.type.enum[0],
      schema: name,
      description: schema.description ?? '',
      previous: !!schema.properties.data.properties.previous_attributes,
    };
  })
  .sort((a, b) => a.type.localeCompare(b.type));

// Home
const cards = guides.map((g) => `<a class="card" href="guides/${g.slug}.html"><h3>${escape(g.title)}</h3><p>${escape(g.summary)}</p></a>`).join('\n');
writeFileSync(
  join(out, 'index.html'),
  page({
    title: 'Home',
    depth: 0,
    current: 'index.html',
    body: `<h1>Build on Plinth</h1>
<p class="lead">${escape(spec.info?.description ?? 'A headless, API-first platform core for multi-tenant SaaS.')}</p>
<p>${operations.length} operations, ${events.length} event types, API version <code>${escape(spec.components.parameters?.PlinthVersion?.schema?.default ?? '')}</code>.
Start with the <a href="guides/quickstart.html">quick start</a> or browse the <a href="reference.html">API reference</a>.</p>
<div class="cards">${cards}</div>`,
  }),
);

// Guides
for (const g of guides) {
  writeFileSync(
    join(out, 'guides', `${g.slug}.html`),
    page({ title: g.title, depth: 1, current: `guides/${g.slug}.html`, body: `<article class="guide">${marked.parse(g.body)}</article>` }),
  );
}

// Event catalogue
const rows = events
  .map(
    (e) =>
      `<tr id="${escape(e.type)}"><td><code>${escape(e.type)}</code></td><td>${escape(e.description)}</td><td>${e.previous ? 'yes' : ''}</td><td><a href="reference.html#schema/${escape(e.schema)}">${escape(e.schema)}</a></td></tr>`,
  )
  .join('\n');
writeFileSync(
  join(out, 'events.html'),
  page({
    title: 'Event catalogue',
    depth: 0,
    current: 'events.html',
    body: `<h1>Event catalogue</h1>
<p>Every change in Plinth is one of these events (<code>GET /v1/events</code>, <code>GET /v1/event-types</code>), delivered to the webhook endpoints that subscribe to it. See <a href="guides/webhooks.html">Webhooks</a>.</p>
<table class="events"><thead><tr><th>type</th><th>when</th><th>previous_attributes</th><th>schema</th></tr></thead><tbody>${rows}</tbody></table>`,
  }),
);

// API reference: Redoc renders the contract from this folder.
writeFileSync(
  join(out, 'reference.html'),
  page({
    title: 'API reference',
    depth: 0,
    current: 'reference.html',
    body: `<div id="redoc"></div>
<script src="assets/redoc.standalone.js"></script>
<script>
  Redoc.init('openapi.json', { hideDownloadButton: false, expandResponses: '200,201', pathInMiddlePanel: true, disableSearch: false, theme: { colors: { primary: { main: '#3b4cca' } } } }, document.getElementById('redoc'));
</script>`,
  }),
);

// Search index: guides (text), operations, events.
const text = (md) =>
  md
    .replace(/```[\s\S]*?```/g, ' ')
    .replace(/[#*`>|[\]()_-]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
const index = [
  ...guides.map((g) => ({ kind: 'guide', title: g.title, url: `guides/${g.slug}.html`, text: `${g.summary} ${text(g.body)}` })),
  ...operations.map((o) => ({
    kind: 'operation',
    title: `${o.summary}`,
    url: `reference.html#tag/${encodeURIComponent(o.tag.replace(/ /g, '-'))}/operation/${o.id}`,
    text: `${o.method} ${o.path} ${o.id} ${o.tag}`,
  })),
  ...events.map((e) => ({ kind: 'event', title: e.type, url: `events.html#${e.type}`, text: e.description })),
];
writeFileSync(join(out, 'search-index.json'), JSON.stringify(index));
console.log(`portal: ${guides.length} guides, ${operations.length} operations, ${events.length} events -> ${out}`);
