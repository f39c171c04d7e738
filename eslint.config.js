// Lint: typescript-eslint's recommended rules plus the import boundaries of
// docs/adr/0001-layout.md (dependencies point down; drivers stay in their folder).
import tseslint from "typescript-eslint";

const NODE_BUILTINS = ["node:*", "fs", "path", "os", "crypto", "child_process", "worker_threads", "http", "net", "stream", "buffer", "url", "util"];

const DRIVERS = { group: ["better-sqlite3", "pg", "kysely"], message: "only the store engine folders import a database driver" };
const SQLITE_DRIVER = { group: ["better-sqlite3"], message: "only store/sqlite imports the SQLite driver" };
const POSTGRES_DRIVER = { group: ["pg", "kysely"], message: "only store/postgres imports the PostgreSQL driver and Kysely" };
const UPPER_LAYERS = { group: ["**/http/**", "**/cli/**", "fastify", "commander"], message: "lower layers do not import HTTP or the CLI" };

export default tseslint.config(
  { ignores: ["**/dist/**", "**/node_modules/**", "data/**", "coverage/**", ".tmp/**"] },
  ...tseslint.configs.recommended,
  {
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/no-non-null-assertion": "off",
    },
  },
  {
    // Core is pure and browser-safe: no Node built-ins, no server code.
    files: ["packages/core/src/**/*.ts"],
    ignores: ["packages/core/src/crypto-node.ts", "packages/core/src/index.node.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            { group: NODE_BUILTINS, message: "core is browser-safe: no Node built-ins (only crypto-node.ts may)" },
            { group: ["@sealtrail/server", "@sealtrail/server/*"], message: "core depends on nothing above it" },
          ],
        },
      ],
      "no-restricted-globals": ["error", { name: "Buffer", message: "core uses Uint8Array, not Buffer" }, { name: "process", message: "core does no I/O" }],
    },
  },
  {
    // Only store/sqlite and store/postgres import their driver (docs/adr/0001-layout.md).
    files: ["packages/server/src/**/*.ts"],
    ignores: ["packages/server/src/store/**", "packages/server/src/ledger/**"],
    rules: { "no-restricted-imports": ["error", { patterns: [DRIVERS] }] },
  },
  {
    // The ledger and the store interfaces know nothing of HTTP, the CLI or a driver.
    files: ["packages/server/src/ledger/**/*.ts", "packages/server/src/store/**/*.ts"],
    ignores: ["packages/server/src/store/sqlite/**", "packages/server/src/store/postgres/**"],
    rules: { "no-restricted-imports": ["error", { patterns: [DRIVERS, UPPER_LAYERS] }] },
  },
  {
    files: ["packages/server/src/store/sqlite/**/*.ts"],
    rules: { "no-restricted-imports": ["error", { patterns: [POSTGRES_DRIVER, UPPER_LAYERS] }] },
  },
  {
    files: ["packages/server/src/store/postgres/**/*.ts"],
    rules: { "no-restricted-imports": ["error", { patterns: [SQLITE_DRIVER, UPPER_LAYERS] }] },
  },
);
