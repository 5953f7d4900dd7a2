import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['**/node_modules/**', '**/dist/**', '**/dist.building-*/**', '**/dist.old-*/**', '**/generated/**', '.plinth/**', '**/*.cjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-non-null-assertion': 'off',
      // Modules add their permissions, id kinds and events to the kernel's registries by declaration
      // merging: `interface Permissions extends PermissionsOf<typeof permissions> {}`.
      '@typescript-eslint/no-empty-object-type': ['error', { allowInterfaces: 'with-single-extends' }],
    },
  },
  {
    // The kernel knows no module: the runtime, the app and the worker are given the module list.
    files: ['api/src/core/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ regex: '(^|/)modules(/|$)', message: 'core/ imports no module: take what you need from the registry (core/module.ts).' }] },
      ],
    },
  },
  {
    // A module reaches another only through its public surface, modules/<m>/index.ts.
    files: ['api/src/modules/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^\\.\\./(?!\\.\\.|core/)[^/]+/(?!index\\.js$).+',
              message: "Import another module only through its index.ts ('../<module>/index.js'); add the port there if it is missing.",
            },
          ],
        },
      ],
    },
  },
  {
    // Files read in one sitting, functions that fit on a screen (skipping blank lines and comments).
    files: ['api/src/**/*.ts'],
    ignores: ['api/src/**/*.test.ts', 'api/src/**/*.fixtures.ts'],
    rules: {
      'max-lines': ['error', { max: 300, skipBlankLines: true, skipComments: true }],
      'max-lines-per-function': ['error', { max: 60, skipBlankLines: true, skipComments: true }],
    },
  },
  // The allow-list: each entry says why the long function reads better whole.
  {
    // A migration is one ordered list of SQL statements, and a migration that ran is never edited.
    files: ['api/src/migrations/*.ts'],
    rules: { 'max-lines-per-function': 'off' },
  },
  {
    // Process start-up and shutdown (main), the postmaster's life cycle (initdb, start, restart, stop)
    // and the HTTP drain share state that only makes sense in order, top to bottom.
    files: ['api/src/main.ts', 'api/src/core/db/embedded.ts', 'api/src/core/http/server.ts'],
    rules: { 'max-lines-per-function': ['error', { max: 90, skipBlankLines: true, skipComments: true }] },
  },
  {
    // record(): one transaction's events and audit hash chain; split, the order of the writes hides.
    // idempotency(): claim, replay and store of one key around one request.
    // credentialResolver(): the two credential kinds and the tenant placement they share.
    files: ['api/src/core/events/record.ts', 'api/src/core/http/idempotency.ts', 'api/src/modules/auth/credentials.ts'],
    rules: { 'max-lines-per-function': ['error', { max: 80, skipBlankLines: true, skipComments: true }] },
  },
  {
    files: ['scripts/**/*.mjs', 'api/scripts/*.mjs', 'developer-portal/**/*.mjs', 'sdks/typescript/*.mjs', 'examples/**/*.mjs'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly', performance: 'readonly' } },
  },
  {
    files: ['developer-portal/reference/*.js'],
    languageOptions: { sourceType: 'script', globals: { document: 'readonly', fetch: 'readonly', window: 'readonly' } },
  },
);
