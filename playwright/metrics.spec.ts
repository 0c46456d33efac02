import { expect, test } from "./fixtures";

/**
 * The Metrics page over `metrics.query`: the local node's and cluster's current figures from the
 * agent's heartbeats, a filter with an aggregate over the cluster's nodes, and a filter refused
 * before it is sent, naming its field; the store picker (global history, cluster store).
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

/**
 * The store picker: the cluster store needs a cluster, then answers the local node's own recent
 * samples (its agent's memory, asked over its node queue), every node answering.
 */
test("reads one cluster's own store, the node agent answering", async ({ page }) => {
  await page.goto("/metrics");
  await page.getByTestId("metrics-store").selectOption("cluster");
  await expect(page.getByTestId("metrics-filter-error")).toContainText("clusterId");
  await expect(page.getByTestId("metrics-apply")).toBeDisabled();
  await page.getByPlaceholder("Cluster").fill("local");
  await page.getByTestId("metrics-apply").click();
  const nodeRows = page.locator('[data-testid^="metrics-row-node/"]');
  await expect(nodeRows.first()).toContainText("load1m=");
  await expect(page.getByText("cluster store of local")).toBeVisible();
  await expect(page.getByText("npx aios metrics node --cluster local --store cluster")).toBeVisible();
  await expect(page.getByTestId("metrics-missing-nodes")).toHaveCount(0);
});
