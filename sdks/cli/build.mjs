// Builds the plinth command into dist/ (ES modules). It transpiles without type checking (--noCheck):
// on a fresh clone npm runs the workspaces' prepare scripts side by side, so @plinth/sdk's type
// declarations may not exist yet. The types are checked by `npm run typecheck`, once the SDK is built.
import { execFileSync } from 'node:child_process';
import { chmodSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const tsc = require.resolve('typescript/bin/tsc');
process.chdir(dirname(fileURLToPath(import.meta.url)));
rmSync('dist', { recursive: true, force: true });
execFileSync(process.execPath, [tsc, '-p', 'tsconfig.json', '--noCheck'], { stdio: 'inherit' });
// npm marks a bin executable when it links it, which may be before this build wrote the file.
chmodSync('dist/cli.js', 0o755);
