import { defineConfig } from "@playwright/test";
import base from "./playwright.config";

/**
 * `npm run screenshots`: the whole product started as for the e2e tests, then one full-page
 * screenshot of every console page into docs/screenshots/ (see playwright/screenshots/pages.shot.ts).
 */
export default defineConfig({
  ...base,
  testDir: "./playwright/screenshots",
  testMatch: "**/*.shot.ts",
  outputDir: ".test-output/screenshots",
  reporter: [["list"]],
  timeout: 120_000,
  use: { ...base.use, viewport: { width: 1440, height: 900 }, colorScheme: "light" },
});
