#!/usr/bin/env node
// The module boundaries, checked on every lint (npm run lint, so CI):
//   - every folder under api/src/modules has a manifest (module.ts) and a public surface (index.ts),
//     and modules/index.ts lists every one of them (the one list);
//   - the module dependency graph has no cycle (type-only imports count: they couple as much);
//   - core/ imports no module (eslint's no-restricted-imports says so per file; this is the backstop).
// Deep imports into another module are eslint's job (eslint.config.mjs). `--print` shows the graph.
import { readdirSync, readFileSync, statSync, existsSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';

const root = resolve(new URL('..', import.meta.url).pathname);
const src = join(root, 'api/src');
const modulesDir = join(src, 'modules');
const print = process.argv.includes('--print');

const walk = (dir) =>
  readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? walk(path) : path.endsWith('.ts') ? [path] : [];
  });

const IMPORT = /(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;
function importsOf(file) {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(IMPORT)].map((m) => m[1] ?? m[2]).filter((s) => s.startsWith('.'));
}

const moduleOf = (file) => {
  const rel = relative(modulesDir, file);
  return rel.startsWith('..') || !rel.includes(sep) ? undefined : rel.split(sep)[0];
};

const problems = [];
const modules = readdirSync(modulesDir).filter((n) => statSync(join(modulesDir, n)).isDirectory());
const list = readFileSync(join(modulesDir, 'index.ts'), 'utf8');
for (const m of modules) {
  for (const file of ['module.ts', 'index.ts']) if (!existsSync(join(modulesDir, m, file))) problems.push(`module ${m} has no ${file}`);
  if (!list.includes(`'./${m}/index.js'`)) problems.push(`module ${m} is not listed in api/src/modules/index.ts`);
}

const graph = new Map(modules.map((m) => [m, new Set()]));
for (const file of walk(src)) {
  const from = moduleOf(file);
  const inCore = relative(src, file).startsWith(`core${sep}`);
  for (const spec of importsOf(file)) {
    const target = resolve(dirname(file), spec);
    const to = moduleOf(target) ?? (relative(modulesDir, target) === 'index.js' ? 'modules/index.ts' : undefined);
    if (inCore && to) problems.push(`${relative(root, file)} imports ${spec}: core/ imports no module`);
    if (from && to && to !== from && graph.has(to)) graph.get(from).add(to);
  }
}

// Tarjan's strongly connected components: any component with more than one module is a cycle.
let index = 0;
const stack = [];
const state = new Map();
const cycles = [];
function connect(v) {
  state.set(v, { index, low: index, onStack: true });
  index++;
  stack.push(v);
  for (const w of graph.get(v)) {
    if (!state.has(w)) {
      connect(w);
      state.get(v).low = Math.min(state.get(v).low, state.get(w).low);
    } else if (state.get(w).onStack) state.get(v).low = Math.min(state.get(v).low, state.get(w).index);
  }
  if (state.get(v).low === state.get(v).index) {
    const component = [];
    let w;
    do {
      w = stack.pop();
      state.get(w).onStack = false;
      component.push(w);
    } while (w !== v);
    if (component.length > 1) cycles.push(component.sort());
  }
}
for (const m of modules) if (!state.has(m)) connect(m);
for (const c of cycles) problems.push(`module cycle: ${c.join(' <-> ')} (break it with a port owned by one side)`);

if (print) {
  for (const [m, deps] of [...graph].sort(([a], [b]) => a.localeCompare(b))) console.log(`${m} -> ${[...deps].sort().join(', ') || '(none)'}`);
}
if (problems.length) {
  console.error(`Module boundaries (${problems.length} problem(s)):\n${problems.map((p) => `  ${p}`).join('\n')}`);
  process.exit(1);
}
console.log(`module graph: ${modules.length} modules, acyclic; core imports no module.`);
