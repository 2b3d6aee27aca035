import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

const alias = {
  "~": fileURLToPath(new URL("./app", import.meta.url)),
  "#db": fileURLToPath(new URL("./db", import.meta.url)),
};

// a fixed checkpoint signing key for tests (never used outside tests)
const TEST_TLOG_KEY = "PRIVATE+KEY+test.teilhabe.invalid/transparenz+92a7790e+AeXh62c0UVrk5l0tTCa7pZhF36my8Xaj46n2fmfRqfSA";

export default defineConfig({
  resolve: { alias },
  test: {
    globals: true,
    // a fixed test key for contact data (never used outside tests)
    env: { CONTACT_DATA_KEYS: "test:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=", TLOG_SIGNING_KEY: TEST_TLOG_KEY },
    testTimeout: 30_000,
    hookTimeout: 120_000,
    projects: [
      { resolve: { alias }, test: { name: "unit", env: { CONTACT_DATA_KEYS: "test:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=", TLOG_SIGNING_KEY: TEST_TLOG_KEY }, include: ["tests/unit/**/*.test.ts"], environment: "node" } },
      { resolve: { alias }, test: { name: "integration", env: { CONTACT_DATA_KEYS: "test:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=", TLOG_SIGNING_KEY: TEST_TLOG_KEY }, include: ["tests/integration/**/*.test.ts"], environment: "node", testTimeout: 60_000, hookTimeout: 120_000 } },
      {
        resolve: { alias },
        test: {
          name: "http",
          env: { TLOG_SIGNING_KEY: TEST_TLOG_KEY },
          include: ["tests/http/**/*.test.ts"],
          environment: "node",
          testTimeout: 60_000,
          hookTimeout: 120_000,
          globalSetup: ["tests/support/global-setup.ts"],
        },
      },
      {
        resolve: { alias },
        test: {
          name: "browser",
          env: { TLOG_SIGNING_KEY: TEST_TLOG_KEY },
          include: ["tests/browser/**/*.test.ts"],
          environment: "node",
          testTimeout: 120_000,
          hookTimeout: 180_000,
          globalSetup: ["tests/support/global-setup.ts"],
          // one browser at a time: two cores
          poolOptions: { forks: { singleFork: true } },
        },
      },
      {
        resolve: { alias },
        test: {
          // SIGKILL under load, backup and restore (tests/crash); two instances, cluster workers (tests/scale)
          name: "crash",
          env: { TLOG_SIGNING_KEY: TEST_TLOG_KEY },
          include: ["tests/crash/**/*.test.ts", "tests/scale/**/*.test.ts"],
          environment: "node",
          testTimeout: 120_000,
          hookTimeout: 120_000,
          globalSetup: ["tests/support/global-setup.ts"],
          poolOptions: { forks: { singleFork: true } },
        },
      },
    ],
  },
});
