// Builds the plinth command into dist/ (ES modules, like its dependency commander). It compiles
// against @plinth/sdk's type declarations, so the SDK is built first (npm install runs the workspaces'
// prepare scripts in dependency order).
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
execFileSync(process.execPath, [tsc, '-p', 'tsconfig.json'], { stdio: 'inherit' });
// npm marks a bin executable when it links it, which may be before this build wrote the file.
chmodSync('dist/cli.js', 0o755);
