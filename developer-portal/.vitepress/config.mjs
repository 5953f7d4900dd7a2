// VitePress configuration of the developer portal. build.mjs writes the Markdown sources, with
// site.json (the navigation it derives from the contract), into a work directory of its own, builds
// them with this configuration, and moves the output to developer-portal/dist, which the API serves
// at /portal.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import process from 'node:process';
import { defineConfig } from 'vitepress';

const work = process.env.PLINTH_PORTAL_WORK;
if (!work) throw new Error('Build the portal with npm run build:portal (developer-portal/build.mjs)');
const site = JSON.parse(readFileSync(join(work, 'src', 'site.json'), 'utf8'));

export default defineConfig({
  title: 'Plinth developers',
  description: 'Guides, API reference, event catalogue and error codes of the Plinth API.',
  base: '/portal/',
  srcDir: join(work, 'src'),
  outDir: join(work, 'dist'),
  cacheDir: join(work, 'cache'),
  // Pages are served without .html (/portal/errors/unsafe_url is a problem's `type`): the API's static
  // handler resolves extensionless paths.
  cleanUrls: true,
  lang: 'en',
  // No favicon request (the portal has none; a 404 would be noise in every page load).
  head: [['link', { rel: 'icon', href: 'data:,' }]],
  markdown: { theme: { light: 'github-light', dark: 'github-dark' } },
  themeConfig: {
    siteTitle: 'Plinth developers',
    nav: site.nav,
    sidebar: site.sidebar,
    outline: { level: [2, 3] },
    search: { provider: 'local' },
    docFooter: { prev: 'Previous', next: 'Next' },
    footer: { message: 'Plinth is open source under the Apache-2.0 license.' },
  },
});
