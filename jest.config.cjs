/** Jest in native ESM mode (NestJS 12 is ESM-only; see docs/development.md). */
const shared = {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: {
    // The library by its package name, from source (no build needed to test).
    '^@actingweb/nestjs$': '<rootDir>/libs/actingweb/src/index.ts',
    '^@actingweb/nestjs/testing$': '<rootDir>/libs/actingweb/src/testing/index.ts',
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: '<rootDir>/tsconfig.json', }],
  },
};

module.exports = {
  testTimeout: 30000,
  reporters: ['default', '<rootDir>/test/support/summary-reporter.cjs'],
  projects: [
    { ...shared, displayName: 'unit', rootDir: __dirname, roots: ['<rootDir>/libs/', '<rootDir>/src/'], testRegex: '.*\\.spec\\.ts$' },
    { ...shared, displayName: 'e2e', rootDir: __dirname, roots: ['<rootDir>/test/', '<rootDir>/src/'], testRegex: '.*\\.e2e-spec\\.ts$' },
  ],
};
