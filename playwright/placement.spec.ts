import type { APIRequestContext } from "@playwright/test";
import { expect, test } from "./fixtures";
import { query } from "./policy-api";

/**
 * Where the seeded block `sentiment` runs, as the console shows it: its instance's node and GPUs
 * and its executor's node on the block page, a placement dry run there, and the instance on the
 * node panel of the Network page. The node is this machine's, as the API lists it.
 */
const DEPLOY_TIMEOUT = 90_000;

async function localNodeId(request: APIRequestContext): Promise<string> {
  const nodes = await query<Array<{ id: string }>>(request, "nodes.list", { clusterId: "local" });
  const id = nodes?.[0]?.id;
  if (!id) throw new Error("nodes.list: cluster local has no node");
  return id;
}

test("the block page shows each instance's node, the executor's node and a placement dry run", async ({
  page,
  request,
}) => {
  test.setTimeout(DEPLOY_TIMEOUT + 60_000);
  await page.goto("/blocks/sentiment");
  await expect(page.getByTestId("status").first()).toHaveText("running", { timeout: DEPLOY_TIMEOUT });
  const nodeId = await localNodeId(request);

  const instance = page.getByTestId("instances-card").locator('[data-testid^="instance-row-"]').first();
  await expect(instance.getByTestId("instance-node")).toHaveText(nodeId);
  await expect(page.getByTestId("executor-node")).toHaveText(nodeId);
  await expect(page.getByTestId("placement-problem")).toHaveCount(0);

  await page.getByTestId("placement-dry-run").click();
  const row = page.getByTestId(`placement-node-${nodeId}`);
  await expect(row).toBeVisible();
  await expect(row.getByTestId("placement-chosen")).toHaveText("chosen");
  await expect(row.getByTestId("placement-score")).not.toHaveText("0.00");
  await expect(page.getByTestId("placement-choice")).toContainText(`would go on ${nodeId}`);
});

test("the node panel lists the instances placed on the node with their GPUs", async ({ page, request }) => {
  test.setTimeout(DEPLOY_TIMEOUT + 30_000);
  const nodeId = await localNodeId(request);
  await page.goto("/network");
  const panel = page.getByTestId("cluster-row-local").getByTestId("node-load");
  const instances = panel.getByTestId("node-instances");
  const sentiment = instances.locator('[data-testid^="node-instance-sentiment/"]').first();
  await expect(sentiment).toBeVisible({ timeout: DEPLOY_TIMEOUT });
  await expect(sentiment.getByRole("link", { name: "sentiment" })).toHaveAttribute(
    "href",
    "/blocks/sentiment",
  );
  await expect(instances.getByTestId("node-gpu-use")).toContainText("on this node");
  await expect(page.getByTestId(`node-row-${nodeId}`).getByTestId("node-status")).toBeVisible();
  // The node is live: no "lost" note (a "returned" one may stay from a slow start).
  await expect(panel.locator('[data-testid="node-liveness"][data-state="lost"]')).toHaveCount(0);
});
