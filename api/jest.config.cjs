/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  // Cross-cutting suites live in test/, each module's own tests beside its code (src/modules/<m>/*.test.ts).
  roots: ['<rootDir>/test', '<rootDir>/src'],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.ts$': [
      '@swc/jest',
      {
        jsc: {
          parser: { syntax: 'typescript', decorators: true },
          transform: { legacyDecorator: true, decoratorMetadata: true },
          target: 'es2023',
        },
        module: { type: 'commonjs' },
      },
    ],
  },
  moduleNameMapper: { '^@plinth/sdk$': '<rootDir>/../sdks/typescript/src/index.ts', '^(\\.{1,2}/.*)\\.js$': '$1' },
  globalSetup: '<rootDir>/test/setup/global-setup.cjs',
  globalTeardown: '<rootDir>/test/setup/global-teardown.cjs',
  testTimeout: 60000,
  maxWorkers: 2,
};
