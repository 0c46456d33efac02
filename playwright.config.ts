import { defineConfig } from "@playwright/test";
import { resetE2eHome } from "./playwright/e2e-home";

/**
 * End-to-end tests of the whole product: the launcher starts embedded Postgres, Redis, the API, the
 * agent and the console; Chromium (Debian's, no download) drives the console.
 *
 * The data directory is wiped here, while the config loads in the runner process, rather than in
 * a globalSetup: Playwright starts `webServer` before globalSetup runs, so a globalSetup would
 * delete the directory under a running Postgres. Worker processes load this file too; they skip it.
 * A second run started while one is under way is refused (`claimE2eHome`: a lock beside the
 * directory), rather than deleting the first one's database.
 */
if (!process.env.TEST_WORKER_INDEX) resetE2eHome();

export default defineConfig({
  testDir: "./playwright",
  testMatch: "**/*.spec.ts",
  // Token mode has its own product and config (playwright.auth.config.ts).
  testIgnore: "auth/**",
  outputDir: ".test-output/playwright",
  retries: 0,
  workers: 1,
  fullyParallel: false,
  timeout: 60_000,
  expect: { timeout: 15_000 },
  reporter: [["list"], ["json", { outputFile: ".test-output/playwright.json" }]],
  use: {
    baseURL: "http://127.0.0.1:3100",
    browserName: "chromium",
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
    launchOptions: {
      executablePath: "/usr/bin/chromium",
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--disable-quic",
        // Nothing but this machine resolves. 127.0.0.1 must be excluded too: the rule also maps IP
        // literals, and the product listens on 127.0.0.1.
        "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1",
      ],
    },
  },
  webServer: {
    command: "node --import tsx apps/launcher/src/main.ts",
    url: "http://127.0.0.1:3100",
    timeout: 300_000,
    reuseExistingServer: false,
    env: {
      AIOS_HOME: ".test-output/e2e-home",
      AIOS_API_PORT: "4100",
      AIOS_WEB_PORT: "3100",
      AIOS_GRPC_PORT: "8100",
      AIOS_LOG_FORMAT: "json",
      NEXT_TELEMETRY_DISABLED: "1",
    },
    stdout: "pipe",
    // Without this Playwright SIGKILLs the launcher, which then cannot stop Postgres, Redis, the
    // API, the agent and `next start` (they run in their own process groups and would be orphaned).
    gracefulShutdown: { signal: "SIGTERM", timeout: 30_000 },
  },
});
