/**
 * End-to-end tests: real PostgreSQL and Redis, started once by the global setup through
 * the local-mode launcher; every test file gets its own database and Redis key prefix.
 */
module.exports = {
  ...require('./jest.shared'),
  testMatch: ['<rootDir>/test/e2e/**/*.e2e-spec.ts'],
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  globalTeardown: '<rootDir>/test/support/global-teardown.ts',
  testTimeout: 60000,
  maxWorkers: 2,
};
