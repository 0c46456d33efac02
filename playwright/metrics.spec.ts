import { expect, test } from "./fixtures";

/**
 * The Metrics page over `metrics.query`: the local node's and cluster's current figures from the
 * agent's heartbeats, a filter with an aggregate over the cluster's nodes, and a filter refused
 * before it is sent, naming its field.
 */
test("lists current metrics, filters them, and names a filter's mistake", async ({ page }) => {
  await page.goto("/metrics");
  const nodeRows = page.locator('[data-testid^="metrics-row-node/"]');
  await expect(nodeRows.first()).toBeVisible();
  await expect(nodeRows.first()).toContainText("local");
  await expect(nodeRows.first()).toContainText("vcpus=");

  await page.getByTestId("metrics-entity").selectOption("cluster");
  const local = page.getByTestId("metrics-row-cluster/local");
  await expect(local).toBeVisible();

  const filter = page.getByTestId("metrics-filter");
  await filter.fill('{"aggOperator":"median","target":"nodes.load15m","operator":"<","value":2}');
  await expect(page.getByTestId("metrics-filter-error")).toContainText("filter");
  await expect(page.getByTestId("metrics-apply")).toBeDisabled();

  await filter.fill('{"aggOperator":"count","target":"nodes.id","operator":">","value":1000}');
  await page.getByTestId("metrics-apply").click();
  await expect(page.getByText("No cluster matches")).toBeVisible();

  await filter.fill('{"aggOperator":"count","target":"nodes.id","operator":">=","value":1}');
  await page.getByTestId("metrics-apply").click();
  await expect(local).toBeVisible();
  await expect(page.getByText("npx aios metrics cluster --filter")).toBeVisible();
});
