// Bundles the white-label portal with esbuild into examples/white-label-portal/dist. Pass
// --api=<url> to write the API address into dist/config.json (the branding stays in config.json).
// Start Plinth with CORS_ALLOWED_ORIGINS set to the origin you serve dist/ from, then, from the
// repository root:
// Run: npm run build -w @plinth/examples -- --api=$PLINTH_URL
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, 'dist');
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
await build({
  entryPoints: [join(here, 'src/main.ts')],
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: 'es2022',
  minify: true,
  sourcemap: true,
  outfile: join(out, 'app.js'),
  logLevel: 'warning',
});
for (const file of ['index.html', 'app.css', 'logo.svg']) copyFileSync(join(here, file), join(out, file));
const config = JSON.parse(readFileSync(join(here, 'config.json'), 'utf8'));
const api = process.argv.find((a) => a.startsWith('--api='));
if (api) config.apiBaseUrl = api.slice('--api='.length);
writeFileSync(join(out, 'config.json'), JSON.stringify(config, null, 2) + '\n');
console.log(`white-label portal built in ${out} (API: ${config.apiBaseUrl})`);
