// Builds @plinth/sdk twice: ES modules (dist/esm) and CommonJS (dist/cjs), with one set of type
// declarations (dist/types). Each output folder says which module system it holds.
// The build goes to a folder of its own and replaces dist/ in one rename at the end: a program using
// the SDK meanwhile (a test, the CLI, npm run seed) never sees a half-built or missing dist/.
import { execFileSync } from 'node:child_process';
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import process from 'node:process';

const require = createRequire(import.meta.url);
const tsc = require.resolve('typescript/bin/tsc');
const out = `dist.building-${process.pid}`;
rmSync(out, { recursive: true, force: true });
try {
  execFileSync(process.execPath, [tsc, '-p', 'tsconfig.esm.json', '--outDir', `${out}/esm`, '--declarationDir', `${out}/types`], { stdio: 'inherit' });
  execFileSync(process.execPath, [tsc, '-p', 'tsconfig.cjs.json', '--outDir', `${out}/cjs`], { stdio: 'inherit' });
  mkdirSync(`${out}/esm`, { recursive: true });
  writeFileSync(`${out}/esm/package.json`, JSON.stringify({ type: 'module' }) + '\n');
  writeFileSync(`${out}/cjs/package.json`, JSON.stringify({ type: 'commonjs' }) + '\n');
  // Another build may place its dist/ between our two renames: move it aside again and retry.
  for (let attempt = 0; ; attempt++) {
    const old = `dist.old-${process.pid}-${attempt}`;
    try {
      renameSync('dist', old);
    } catch (err) {
      if (err.code !== 'ENOENT') throw err;
    }
    rmSync(old, { recursive: true, force: true });
    try {
      renameSync(out, 'dist');
      break;
    } catch (err) {
      if (attempt > 5 || (err.code !== 'ENOTEMPTY' && err.code !== 'EEXIST')) throw err;
    }
  }
} finally {
  rmSync(out, { recursive: true, force: true });
}
