import { defineConfig } from 'vitest/config';

// One project per kind of test, so each can be run alone:
//   unit         pure logic, Node.js only, seconds
//   integration  the server in-process (supertest), memory storage
//   conformance  the storage suite against every driver, real etcd/PostgreSQL/MariaDB/kine
//   e2e          the real local management cluster (hack/cluster-up.sh)
export default defineConfig({
  test: {
    projects: [
      { test: { name: 'unit', include: ['test/unit/**/*.test.ts'], testTimeout: 20_000 } },
      { test: { name: 'integration', include: ['test/integration/**/*.test.ts'], testTimeout: 30_000 } },
      {
        test: {
          name: 'conformance',
          include: ['test/conformance/**/*.test.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          globalSetup: ['test/e2e/global-setup.ts'],
          setupFiles: ['test/e2e/support/setup.ts'],
          testTimeout: 300_000,
          hookTimeout: 1_200_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
