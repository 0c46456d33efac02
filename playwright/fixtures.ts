import { test as base, expect } from "@playwright/test";

/** The API of the product under test (the launcher's AIOS_API_PORT in playwright.config.ts). */
export const API_URL = "http://127.0.0.1:4100";

/**
 * A `page` that records console errors and uncaught exceptions; every test fails if any occurred,
 * so a broken render or a failed request never passes silently.
 */
export const test = base.extend<{ consoleErrors: string[] }>({
  consoleErrors: [
    async ({ page }, use) => {
      const errors: string[] = [];
      page.on("console", (msg) => {
        if (msg.type() === "error") errors.push(`console: ${msg.text()}`);
      });
      page.on("pageerror", (err) => errors.push(`pageerror: ${err.message}`));
      await use(errors);
      expect(errors, "console errors or uncaught exceptions in the page").toEqual([]);
    },
    { auto: true },
  ],
});

export { expect };
