import type { Page } from "@playwright/test";
import { expect, test } from "./fixtures";

/**
 * The seeded block `sentiment` (examples/specs/sentiment-block.json, 1..3 instances) as the console
 * shows it. Deploying takes a while on a cold start, so each test first waits for `running`.
 * Scaling is last and puts the block back to one instance.
 */
const DEPLOY_TIMEOUT = 90_000;

async function openBlock(page: Page) {
  await page.goto("/blocks/sentiment");
  await expect(page.getByRole("heading", { name: "sentiment", level: 2 })).toBeVisible();
  const status = page.getByTestId("status").first();
  await expect(status).toHaveText("running", { timeout: DEPLOY_TIMEOUT });
}

/** The instance badges that read exactly "healthy" (not "unhealthy"). */
const healthyInstances = (page: Page) =>
  page.getByTestId("instances-card").getByTestId("instance-status").getByText("healthy", { exact: true });

test("the blocks list shows sentiment, which reaches running with a reason", async ({ page }) => {
  test.setTimeout(DEPLOY_TIMEOUT + 30_000);
  await page.goto("/blocks");
  const row = page.getByTestId("block-row-sentiment");
  await expect(row).toBeVisible();
  await expect(row.getByTestId("status")).toHaveText("running", { timeout: DEPLOY_TIMEOUT });
  await expect(row.getByTestId("status-reason")).not.toBeEmpty();
  await expect(row.getByTestId("block-instances")).toContainText("(1–3)");
});

test("the detail page shows one healthy instance, the executor and the status history", async ({ page }) => {
  test.setTimeout(DEPLOY_TIMEOUT + 60_000);
  await openBlock(page);
  await expect(healthyInstances(page)).toHaveCount(1, { timeout: 60_000 });
  await expect(page.getByTestId("instances-card").locator('[data-testid^="instance-row-"]')).toHaveCount(1);
  await expect(page.getByTestId("executor-card").locator('[data-testid^="executor-instance-"]')).toHaveCount(
    1,
  );
  await expect(page.getByTestId("status-history")).toContainText("running");
});

test("Try it sends a text and shows the label", async ({ page }) => {
  test.setTimeout(DEPLOY_TIMEOUT + 30_000);
  await openBlock(page);
  await expect(page.getByTestId("try-it-input")).toHaveValue('{"text":"I love it"}');
  await page.getByTestId("try-it").getByRole("button", { name: "Send" }).click();
  await expect(page.getByTestId("try-it-result")).toContainText('"positive"');
  // The executor counted the task (its figures refresh every 2 s).
  await expect(page.getByTestId("task-outcomes")).toContainText(/ok [1-9]/);
});

test("Remove asks for confirmation and can be cancelled", async ({ page }) => {
  await page.goto("/blocks/sentiment");
  await page.getByRole("button", { name: "Remove" }).click();
  const dialog = page.getByRole("dialog");
  await expect(dialog).toContainText("Remove block sentiment?");
  await dialog.getByRole("button", { name: "Cancel" }).click();
  await expect(dialog).toHaveCount(0);
  await expect(page.getByRole("heading", { name: "sentiment", level: 2 })).toBeVisible();
});

test("scaling outside min..max shows the API's bounds error", async ({ page, consoleErrors }) => {
  await page.goto("/blocks/sentiment");
  await page.getByTestId("scale-input").fill("5");
  await page.getByRole("button", { name: "Scale" }).click();
  await expect(page.getByTestId("scale-error")).toContainText(
    "must be within minInstances..maxInstances (1..3)",
  );
  // The refused call is a 400, which Chromium logs as a failed resource load: expected here.
  const rest = consoleErrors.filter((e) => !/status of 400/.test(e));
  consoleErrors.splice(0, consoleErrors.length, ...rest);
});

test("scaling to 2 runs two healthy instances", async ({ page }) => {
  test.setTimeout(DEPLOY_TIMEOUT + 90_000);
  await openBlock(page);
  await page.getByTestId("scale-input").fill("2");
  await page.getByRole("button", { name: "Scale" }).click();
  await expect(page.getByTestId("instances-summary")).toContainText("2 desired");
  await expect(healthyInstances(page)).toHaveCount(2, { timeout: 60_000 });
  // Back to one, so a rerun of the other tests finds the seeded state.
  await page.getByTestId("scale-input").fill("1");
  await page.getByRole("button", { name: "Scale" }).click();
  await expect(page.getByTestId("instances-summary")).toContainText("1 desired");
});
