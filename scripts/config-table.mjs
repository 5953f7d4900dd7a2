// Writes the README's configuration table (the table under "## Configuration") from the settings
// schema, api/src/core/config.ts: every setting's variable, default and description are declared there
// once. generate.mjs runs it (and with --check fails when the table is stale); alone:
// `node scripts/config-table.mjs`.
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire, registerHooks } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { transformSync } from '@swc/core';
import * as prettier from 'prettier';

const CONFIG = 'api/src/core/config.ts';

/** config.ts compiled on the fly with swc (as CommonJS, like tsc); it imports only packages. */
function loadSettings(root) {
  const file = join(root, CONFIG);
  const url = pathToFileURL(file).href;
  registerHooks({
    load(target, context, next) {
      if (target !== url) return next(target, context);
      const { code } = transformSync(readFileSync(file, 'utf8'), {
        filename: file,
        jsc: { parser: { syntax: 'typescript' }, target: 'es2023' },
        module: { type: 'commonjs' },
        sourceMaps: false,
      });
      return { format: 'commonjs', source: code, shortCircuit: true };
    },
  });
  return createRequire(file)(file);
}

const cell = (text) => text.replaceAll('|', '\\|');

/** The table as markdown, formatted as prettier formats the README. */
export async function configTable(root) {
  const { SETTINGS, settingDocs } = loadSettings(root);
  const rows = Object.entries(SETTINGS.shape).map(([name, schema]) => {
    const doc = settingDocs.get(schema);
    if (!doc) throw new Error(`${CONFIG}: ${name} has no README entry`);
    const shown = doc.shown ?? `\`${doc.fallback}\``;
    return `| \`${name}\` | ${cell(doc.note ? `${shown} ${doc.note}` : shown)} | ${cell(doc.description)} |`;
  });
  const table = ['| variable | default | what it does |', '| --- | --- | --- |', ...rows].join('\n') + '\n';
  const readme = join(root, 'README.md');
  const options = (await prettier.resolveConfig(readme)) ?? {};
  return prettier.format(table, { ...options, parser: 'markdown' });
}

/** Replaces the first table after "## Configuration" in README.md; the rest of the file is untouched. */
export async function writeConfigTable(root) {
  const readme = join(root, 'README.md');
  const text = readFileSync(readme, 'utf8');
  const section = text.indexOf('\n## Configuration\n');
  if (section < 0) throw new Error('README.md has no "## Configuration" section');
  const start = text.indexOf('\n|', section) + 1;
  let end = start;
  while (text.startsWith('|', end)) end = text.indexOf('\n', end) + 1;
  if (start === 0 || end <= start) throw new Error('README.md: no table under "## Configuration"');
  const next = text.slice(0, start) + (await configTable(root)) + text.slice(end);
  if (next !== text) writeFileSync(readme, next);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await writeConfigTable(fileURLToPath(new URL('..', import.meta.url)));
}
