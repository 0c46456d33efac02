import { cpus } from "node:os";
import { expect, test } from "./fixtures";

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
