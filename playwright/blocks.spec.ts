import type { Page } from "@playwright/test";
import { API_URL, expect, test } from "./fixtures";
import { createRankingPolicy } from "./policy-api";

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

test("a block created from the form reaches running live, charts its metrics and is removed", async ({
  page,
}) => {
  test.setTimeout(DEPLOY_TIMEOUT + 120_000);
  const id = `e2e-${Date.now().toString(36)}`;
  await page.goto("/blocks");
  await page.getByTestId("create-block").click();
  await expect(page).toHaveURL(/\/blocks\/new$/);

  await page.getByTestId("block-component").selectOption("model.echo:1.0.0-stable");
  await page.getByTestId("block-id").fill(id);
  await page.getByTestId("block-cluster").selectOption("local");
  await page.getByTestId("block-min").fill("1");
  await page.getByTestId("block-max").fill("1");
  await page.getByTestId("create-block-submit").click();

  // The progress follows the block over SSE (blocks.onStatus through the console's proxy).
  const progress = page.getByTestId("create-progress");
  await expect(progress).toContainText(id);
  await expect(progress.getByTestId("live-status")).toHaveText("Live");
  await expect(progress.getByTestId("status")).toHaveText("running", { timeout: DEPLOY_TIMEOUT });
  await expect(progress.getByTestId("progress-step-running")).toHaveAttribute("data-state", "done");

  await progress.getByTestId("open-block").click();
  await expect(page).toHaveURL(`/blocks/${id}`);
  await expect(page.getByRole("heading", { name: id, level: 2 })).toBeVisible();
  await expect(page.getByTestId("status").first()).toHaveText("running");
  // The agent samples the executor every ~10 s; the charts refetch every 5 s.
  const metrics = page.getByTestId("block-metrics");
  await expect(metrics.getByTestId("block-chart-in-flight").locator("canvas")).toBeVisible({
    timeout: 60_000,
  });

  await page.getByRole("button", { name: "Remove" }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Remove block" }).click();
  await expect(page).toHaveURL(/\/blocks$/);
  // Once the agent has stopped it, the block leaves the list without a reload.
  await expect(page.getByTestId(`block-row-${id}`)).toHaveCount(0, { timeout: 60_000 });
});

test("the overview hears block status changes as they happen", async ({ page, request }) => {
  test.setTimeout(DEPLOY_TIMEOUT + 60_000);
  await page.goto("/");
  // Only the SSE stream (blocks.onStatus) feeds the activity card; nothing there is polled.
  await expect(page.getByTestId("live-status")).toHaveText("Live");
  const id = `e2e-live-${Date.now().toString(36)}`;
  const created = await request.post(`${API_URL}/trpc/parser.applySpec`, {
    data: {
      document: {
        header: { templateUri: "Parser/V1", action: "createBlock" },
        body: {
          spec: {
            values: {
              blockComponentURI: "model.echo:1.0.0-stable",
              blockId: id,
              clusterId: "local",
              minInstances: 1,
              maxInstances: 1,
            },
          },
        },
      },
    },
  });
  expect(created.status(), await created.text()).toBe(200);
  const activity = page.getByTestId("block-activity").locator("li", { hasText: id });
  await expect(activity.filter({ hasText: "running" })).toHaveCount(1, { timeout: DEPLOY_TIMEOUT });

  const removed = await request.post(`${API_URL}/trpc/blocks.remove`, { data: { id } });
  expect(removed.status(), await removed.text()).toBe(200);
  await expect(activity.filter({ hasText: "removed" })).toHaveCount(1, { timeout: 60_000 });
});

test("a management command reaches every instance and a service's policy, each reply with its status", async ({
  page,
}) => {
  test.setTimeout(DEPLOY_TIMEOUT + 30_000);
  await page.goto("/blocks/echo");
  await expect(page.getByTestId("status").first()).toHaveText("running", { timeout: DEPLOY_TIMEOUT });
  const card = page.getByTestId("mgmt-card");
  await card.getByTestId("mgmt-action").fill("stats");
  await card.getByTestId("mgmt-run").click();
  const replies = card.getByTestId("mgmt-replies");
  await expect(replies).toContainText("HTTP 200");
  await expect(replies).toContainText('"served"');
  // The echo block runs the built-in load balancing: its executor has no policy to command.
  await card.getByTestId("mgmt-target").selectOption("executor");
  await card.getByTestId("mgmt-action").fill("reset");
  await card.getByTestId("mgmt-run").click();
  await expect(replies).toContainText("HTTP 404");
  await expect(replies).toContainText("runs no loadBalancer policy");
});

test("the logs card shows what an instance printed", async ({ page }) => {
  test.setTimeout(DEPLOY_TIMEOUT + 30_000);
  await openBlock(page);
  const card = page.getByTestId("logs-card");
  await card.getByTestId("logs-target").selectOption({ index: 1 }); // the first instance
  await expect(card.getByTestId("logs-lines")).toContainText("instance listening");
});

test("the events card shows the block's events and, live, one its instance emits", async ({ page }) => {
  test.setTimeout(DEPLOY_TIMEOUT + 30_000);
  await page.goto("/blocks/echo");
  await expect(page.getByTestId("status").first()).toHaveText("running", { timeout: DEPLOY_TIMEOUT });
  const events = page.getByTestId("events-card");
  await expect(events.locator('[data-event="instance_started"]').first()).toBeVisible();
  await expect(events.getByTestId("live-status")).toHaveAttribute("data-state", "live");
  const mgmt = page.getByTestId("mgmt-card");
  await mgmt.getByTestId("mgmt-action").fill("emit");
  await mgmt.getByTestId("mgmt-data").fill('{"name":"console.ping","data":{"from":"e2e"}}');
  await mgmt.getByTestId("mgmt-run").click();
  await expect(mgmt.getByTestId("mgmt-replies")).toContainText("HTTP 200");
  // Through the instance's outbox, its agent's next report and the API's live stream: no reload.
  const ping = events.locator('[data-event="console.ping"]').first();
  await expect(ping).toBeVisible();
  await expect(ping).toContainText('{"from":"e2e"}');
});

test("a ranking policy orders the blocks list and may drop rows", async ({ page, request }) => {
  const suffix = Date.now().toString(36);
  const createRanking = (name: string, body: string) => createRankingPolicy(request, name, body);
  const onlySentiment = await createRanking(
    `e2e-only-sentiment-${suffix}`,
    'return { results: input.filterResult.filter((b) => b.id === "sentiment") };',
  );
  const none = await createRanking(`e2e-no-block-${suffix}`, "return { results: [] };");

  await page.goto("/blocks");
  await expect(page.getByTestId("block-row-sentiment")).toBeVisible();
  const picker = page.getByTestId("ranking-policy");
  await picker.selectOption(onlySentiment);
  await expect(page.getByText(`1 ranked by ${onlySentiment}`)).toBeVisible();
  await expect(page.locator('[data-testid^="block-row-"]')).toHaveCount(1);
  await expect(page.getByTestId("block-row-sentiment")).toBeVisible();

  await picker.selectOption(none);
  await expect(page.getByText("The ranking policy kept no block")).toBeVisible();
  await picker.selectOption("");
  await expect(page.getByTestId("block-row-sentiment")).toBeVisible();
});

test("the logs card shows an instance's side-car and init container by name", async ({ page, request }) => {
  test.setTimeout(DEPLOY_TIMEOUT + 60_000);
  const apply = async (action: string, values: Record<string, unknown>) => {
    const res = await request.post(`${API_URL}/trpc/parser.applySpec`, {
      data: { document: { header: { templateUri: "Parser/V1", action }, body: { spec: { values } } } },
    });
    expect(res.status(), await res.text()).toBe(200);
  };
  const dir = "examples/components/greeter-with-sidecar";
  await apply("registerComponent", {
    componentId: { name: "e2e-greeter", version: "1.0.0", releaseTag: "stable" },
    componentType: "model",
    runtime: {
      entry: `${dir}/index.ts`,
      initContainers: [{ name: "prepare", entry: `${dir}/prepare.ts`, env: { GREETING: "salut" } }],
      sidecars: [{ name: "stamp", entry: `${dir}/stamp-server.ts`, ports: [{ name: "stamp" }] }],
    },
  });
  const id = `e2e-greeter-${Date.now().toString(36)}`;
  await apply("createBlock", {
    blockComponentURI: "model.e2e-greeter:1.0.0-stable",
    blockId: id,
    clusterId: "local",
    minInstances: 1,
    maxInstances: 1,
  });
  await page.goto(`/blocks/${id}`);
  await expect(page.getByTestId("status").first()).toHaveText("running", { timeout: DEPLOY_TIMEOUT });
  const card = page.getByTestId("logs-card");
  const target = card.getByTestId("logs-target");
  await expect(target.locator("option", { hasText: "· stamp" })).toHaveCount(1);
  await target.selectOption({
    label: (await target.locator("option", { hasText: "· stamp" }).textContent()) ?? "",
  });
  await expect(card.getByTestId("logs-lines")).toContainText("stamp side-car listening on");
  await target.selectOption({
    label: (await target.locator("option", { hasText: "· prepare" }).textContent()) ?? "",
  });
  await expect(card.getByTestId("logs-lines")).toContainText('prepare: wrote greeting "salut"');

  const removed = await request.post(`${API_URL}/trpc/blocks.remove`, { data: { id } });
  expect(removed.status(), await removed.text()).toBe(200);
});
