import { expect, test } from "./fixtures";
import { mutate, uniqueName } from "./policy-api";

/**
 * The Executors page over the registry of deployed policy executors: one registers (as
 * `apps/policy-executor` does at start), is listed healthy with its load, and is removed from
 * the page.
 */
test("a registered executor is listed with its load and removed from the page", async ({ page, request }) => {
  const name = uniqueName("e2e-exec");
  const registered = (await mutate(request, "executors.register", {
    name,
    url: "http://127.0.0.1:9",
    capacity: 2,
    group: "e2e",
    callToken: "x".repeat(43),
  })) as { id: string };

  await page.goto("/executors");
  const row = page.getByTestId(`executor-row-${registered.id}`);
  await expect(row).toBeVisible();
  await expect(row).toContainText(name);
  await expect(row).toContainText("healthy");
  await expect(row).toContainText("0 / 2");

  await row.getByTestId("remove").click();
  await page.getByRole("button", { name: "Remove executor" }).click();
  await expect(row).toHaveCount(0);
});
