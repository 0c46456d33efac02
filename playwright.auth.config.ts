import { defineConfig } from "@playwright/test";
import { AUTH_E2E_HOME, AUTH_E2E_PORTS } from "./playwright/auth/auth-home";
import { claimE2eHome } from "./playwright/e2e-home";
import base from "./playwright.config";

/**
 * The console in token mode (`AIOS_AUTH=token`): sign-in, a viewer's session, refusals through the
 * console's port, sign-out. The whole product started as for the other e2e tests, on its own ports
 * and data directory, so both suites can share a machine. Run by `npm run test:e2e` after them.
 */
if (!process.env.TEST_WORKER_INDEX) claimE2eHome(AUTH_E2E_HOME);

const webServer = Array.isArray(base.webServer) ? base.webServer[0] : base.webServer;

export default defineConfig({
  ...base,
  testDir: "./playwright/auth",
  testIgnore: [],
  outputDir: ".test-output/playwright-auth",
  reporter: [["list"], ["json", { outputFile: ".test-output/playwright-auth.json" }]],
  use: { ...base.use, baseURL: `http://127.0.0.1:${AUTH_E2E_PORTS.web}` },
  webServer: {
    ...webServer,
    command: webServer?.command ?? "node --import tsx apps/launcher/src/main.ts",
    url: `http://127.0.0.1:${AUTH_E2E_PORTS.web}/sign-in`,
    env: {
      ...webServer?.env,
      AIOS_HOME: AUTH_E2E_HOME,
      AIOS_API_PORT: String(AUTH_E2E_PORTS.api),
      AIOS_WEB_PORT: String(AUTH_E2E_PORTS.web),
      AIOS_GRPC_PORT: String(AUTH_E2E_PORTS.grpc),
      AIOS_AUTH: "token",
    },
  },
});
