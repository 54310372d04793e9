/** Unit tests (pure scheduling logic) run alone in milliseconds; integration tests share one
 * real PostgreSQL and one real Temporal dev server, started once by the global setup. */
const transform = { '^.+\\.ts$': ['@swc/jest'] };

module.exports = {
  // Integration tests wait for real timers (hold TTLs of a few seconds) and a real worker.
  testTimeout: 60000,
  // Most of an integration file's time is spent waiting for real timers (a slot's start, a hold's
  // TTL), not computing: three files at a time on two cores keep the suite well under 15 minutes.
  maxWorkers: 3,
  projects: [
    {
      displayName: 'unit',
      testEnvironment: 'node',
      transform,
      testMatch: ['<rootDir>/test/unit/**/*.test.ts'],
    },
    {
      displayName: 'integration',
      testEnvironment: 'node',
      transform,
      testMatch: ['<rootDir>/test/integration/**/*.test.ts'],
      globalSetup: '<rootDir>/test/stack/global-setup.ts',
      globalTeardown: '<rootDir>/test/stack/global-teardown.ts',
    },
  ],
};
