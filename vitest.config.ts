import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["packages/*/test/**/*.test.ts", "test/**/*.test.ts"],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    reporters: ["default", "./test/summary-reporter.ts"],
    pool: "forks",
    // One PostgreSQL server for the whole run (or SEALTRAIL_TEST_PG_URL); each suite makes its own database.
    globalSetup: ["./packages/server/test/helpers/postgres.ts"],
  },
});
