// Loads the API's module registry (api/src/modules/index.ts) into a build script, so that what the
// modules declare (tags, event types) reaches the contract without a second, hand-kept list.
// The TypeScript is compiled on the fly with swc (the compiler the tests use), as CommonJS like tsc.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire, registerHooks } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { transformSync } from '@swc/core';

const root = new URL('..', import.meta.url);
const apiSrc = fileURLToPath(new URL('api/src/', root));
let registered = false;

function register() {
  if (registered) return;
  registered = true;
  registerHooks({
    resolve(specifier, context, next) {
      // The sources import './x.js' (NodeNext); inside api/src that file is './x.ts'.
      if (specifier.startsWith('.') && specifier.endsWith('.js') && context.parentURL?.startsWith(pathToFileURL(apiSrc).href)) {
        const ts = new URL(specifier.replace(/\.js$/, '.ts'), context.parentURL);
        if (existsSync(ts)) return { url: ts.href, format: 'commonjs', shortCircuit: true };
      }
      return next(specifier, context);
    },
    load(url, context, next) {
      if (!url.endsWith('.ts') || !url.startsWith(pathToFileURL(apiSrc).href)) return next(url, context);
      const { code } = transformSync(readFileSync(fileURLToPath(url), 'utf8'), {
        filename: fileURLToPath(url),
        jsc: { parser: { syntax: 'typescript', decorators: true }, transform: { legacyDecorator: true, decoratorMetadata: true }, target: 'es2023' },
        module: { type: 'commonjs' },
        sourceMaps: false,
      });
      return { format: 'commonjs', source: code, shortCircuit: true };
    },
  });
}

/** The registry as the running API builds it (see api/src/core/module.ts). */
export function loadRegistry() {
  register();
  const require = createRequire(new URL('api/package.json', root));
  require('reflect-metadata');
  return require(fileURLToPath(new URL('api/src/modules/index.ts', root))).registry;
}
