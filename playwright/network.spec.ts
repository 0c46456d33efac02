import { cpus } from "node:os";
import { API_URL, expect, test } from "./fixtures";

test("the Network page shows cluster local with this machine as its node", async ({ page }) => {
  await page.goto("/network");
  const cluster = page.getByTestId("cluster-row-local");
  await expect(cluster).toBeVisible();
  await expect(cluster.getByTestId("liveness")).toHaveText("live", { timeout: 30_000 });

  // The agent registers this host when it starts; the page refetches every 5 s.
  const node = cluster.locator('[data-testid^="node-row-"]').first();
  await expect(node).toBeVisible({ timeout: 30_000 });
  await expect(node.getByTestId("node-vcpus")).toHaveText(String(cpus().length));

  const gpus = node.getByTestId("node-gpus");
  const gpuRows = await gpus.getByTestId("gpu-row").count();
  if (gpuRows === 0) await expect(gpus).toHaveText("No GPUs");
  else await expect(cluster.getByTestId("cluster-gpu-count")).toHaveText(String(gpuRows));
});

test("a cluster's detail page shows its stored spec", async ({ page }) => {
  await page.goto("/network");
  await page.getByTestId("cluster-row-local").getByRole("link", { name: "local" }).click();
  await expect(page).toHaveURL(/\/network\/clusters\/local$/);
  await expect(page.getByRole("heading", { name: "local", level: 2 })).toBeVisible();
  await expect(page.getByText('"publicHostname"')).toBeVisible();
});

test("the Network page charts the node's load from its heartbeats", async ({ page }) => {
  await page.goto("/network");
  const load = page.getByTestId("cluster-row-local").getByTestId("node-load");
  // The agent sends a heartbeat every 10 s; the charts refetch every 5 s.
  const cpu = load.getByTestId("node-chart-cpu");
  await expect(cpu.locator("canvas")).toBeVisible({ timeout: 60_000 });
  await expect(cpu.getByRole("list", { name: "Legend" })).toContainText("1 min");
  await expect(load.getByTestId("node-chart-memory").locator("canvas")).toBeVisible();
});

test("the Network page shows which pre-check policy admits each action", async ({ page, request }) => {
  const set = (policyRuleURI: string) =>
    request.post(`${API_URL}/trpc/gateway.setPreCheckPolicy`, {
      data: { action: "add_node", policyRuleURI },
    });
  await page.goto("/network");
  const addNode = page.getByTestId("admission-add_node");
  await expect(addNode.getByTestId("admission-network")).toHaveText("allowed (no policy)");
  await expect(page.getByTestId("admission-remove_cluster")).toBeVisible();

  const response = await set("allow-list:1.0.0-stable");
  expect(response.status(), await response.text()).toBe(200);
  try {
    // The card refetches every 10 s; a reload shows it at once.
    await page.reload();
    await expect(addNode.getByTestId("admission-network")).toHaveText("allow-list:1.0.0-stable");
    await addNode.getByRole("link", { name: "allow-list:1.0.0-stable" }).click();
    await expect(page).toHaveURL(/\/policies\/allow-list%3A1\.0\.0-stable$/);
  } finally {
    expect((await set("")).status()).toBe(200);
  }
});
