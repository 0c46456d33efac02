import type { Locator, Page } from "@playwright/test";
import { expect, test } from "./fixtures";

/**
 * vDAGs in the console: the seeded text-pipeline (examples/specs/text-pipeline.json: detect ->
 * sentiment | other -> aggregate), a vDAG drawn in the editor, deployed and run, and the Master DAG.
 * The editor test makes its own vDAG, named per run.
 */
const TEXT_PIPELINE = "text-pipeline:1.0.0-stable";
/** A deployed vDAG is active once the agent runs its controller (and the blocks are up on a cold start). */
const ACTIVE_TIMEOUT = 60_000;

test("the vDAG list shows text-pipeline, and its page draws its 4 nodes with their blocks", async ({
  page,
}) => {
  await page.goto("/vdags");
  const row = page.getByTestId(`vdag-row-${TEXT_PIPELINE}`);
  await expect(row).toBeVisible();
  await expect(row.getByTestId("vdag-nodes")).toHaveText("4");
  await expect(row).toContainText("nlp");
  await expect(page.getByTestId("new-vdag")).toBeVisible();

  await row.click();
  await expect(page.getByRole("heading", { name: TEXT_PIPELINE, level: 2 })).toBeVisible();
  const graph = page.getByTestId("plan-graph");
  await expect(graph.locator(".react-flow__node")).toHaveCount(4);
  const blocks: Array<[string, string]> = [
    ["detect", "language-detect"],
    ["sentiment", "sentiment"],
    ["other", "echo"],
    ["aggregate", "echo"],
  ];
  for (const [label, block] of blocks) {
    await expect(graph.getByTestId(`plan-node-${label}`).getByTestId("plan-node-block")).toHaveText(block);
  }
  await expect(graph.locator(".react-flow__edge")).toHaveCount(5);
});

test.describe("the vDAG editor", () => {
  test.use({ viewport: { width: 1600, height: 1000 } });

  const node = (page: Page, id: string) => page.getByTestId(`rf__node-${id}`);
  const handle = (page: Page, id: string, type: "source" | "target") =>
    node(page, id).locator(`.react-flow__handle.${type}`);

  async function centre(l: Locator) {
    const box = await l.boundingBox();
    if (!box) throw new Error("not visible");
    return { x: box.x + box.width / 2, y: box.y + box.height / 2 };
  }

  /** Drags from `from`'s output handle to `to`'s input handle, as a user connects two nodes. */
  async function connect(page: Page, from: string, to: string) {
    const a = await centre(handle(page, from, "source"));
    const b = await centre(handle(page, to, "target"));
    await page.mouse.move(a.x, a.y);
    await page.mouse.down();
    await page.mouse.move((a.x + b.x) / 2, (a.y + b.y) / 2, { steps: 5 });
    await page.mouse.move(b.x, b.y, { steps: 5 });
    await page.mouse.up();
  }

  test("build a vDAG by drag and drop, catch a cycle, round-trip the JSON, deploy and run it", async ({
    page,
  }) => {
    test.setTimeout(ACTIVE_TIMEOUT + 90_000);
    const name = `e2e-${Date.now().toString(36)}`;
    await page.goto("/vdags");
    await page.getByTestId("new-vdag").click();
    await expect(page).toHaveURL(/\/vdags\/new$/);
    await page.getByTestId("vdag-name").fill(name);
    await expect(page.getByTestId("editor-uri")).toHaveText(`${name}:1.0.0-beta`);

    // Three blocks dragged from the palette: two heads feeding echo.
    const canvas = page.getByTestId("vdag-canvas");
    const box = await canvas.boundingBox();
    if (!box) throw new Error("no canvas");
    const drops: [string, number, number][] = [
      ["language-detect", 0.2, 0.25],
      ["sentiment", 0.2, 0.7],
      ["echo", 0.7, 0.45],
    ];
    for (const [block, fx, fy] of drops) {
      await page
        .getByTestId(`palette-block-${block}`)
        .dragTo(canvas, { targetPosition: { x: box.width * fx, y: box.height * fy } });
      await expect(node(page, block)).toBeVisible();
    }
    await expect(canvas.locator(".react-flow__node")).toHaveCount(3);
    await connect(page, "language-detect", "echo");
    await connect(page, "sentiment", "echo");
    await expect(canvas.locator(".react-flow__edge")).toHaveCount(2);
    await expect(page.getByTestId("problem-count")).toHaveText("0");
    await expect(page.getByTestId("server-check")).toHaveAttribute("data-status", "valid");

    // echo -> language-detect closes a cycle: shown on its nodes, its edges and in the list.
    await connect(page, "echo", "language-detect");
    await expect(canvas.locator(".react-flow__edge")).toHaveCount(3);
    await expect(page.getByTestId("problems").getByTestId("problem").first()).toContainText("cycle");
    await expect(page.getByTestId("editor-node-language-detect")).toHaveAttribute("data-invalid", "true");
    await expect(page.getByTestId("editor-node-echo").getByTestId("node-problem")).toContainText("cycle");
    await expect(page.getByTestId("editor-node-sentiment")).not.toHaveAttribute("data-invalid", "true");
    await expect(page.getByTestId("rf__edge-echo->language-detect")).toHaveAttribute("data-invalid", "true");
    await expect(page.getByTestId("deploy")).toBeDisabled();

    // Removed with the keyboard: focus the edge, select it, Delete.
    await page.getByTestId("rf__edge-echo->language-detect").focus();
    await page.keyboard.press("Enter");
    await page.keyboard.press("Delete");
    await expect(canvas.locator(".react-flow__edge")).toHaveCount(2);
    await expect(page.getByTestId("problem-count")).toHaveText("0");
    await expect(page.getByTestId("editor-node-language-detect")).not.toHaveAttribute("data-invalid", "true");
    await expect(page.getByTestId("server-check")).toHaveAttribute("data-status", "valid");

    // The JSON view is exactly the spec; an edit there reaches the graph and comes back unchanged.
    await page.getByTestId("tab-json").click();
    const json = page.getByTestId("vdag-json");
    const first = await json.inputValue();
    const doc = JSON.parse(first);
    const values = doc.body.spec.values;
    expect(doc.header).toEqual({ templateUri: "Parser/V1", action: "createvDAG" });
    expect(values.vdagName).toBe(name);
    expect(
      values.nodes.map((n: { spec: { values: { nodeLabel: string } } }) => n.spec.values.nodeLabel),
    ).toEqual(["language-detect", "sentiment", "echo"]);
    expect(values.graph.connections).toEqual([
      { nodeLabel: "echo", inputs: [{ nodeLabel: "language-detect" }, { nodeLabel: "sentiment" }] },
    ]);
    values.nodes[2].spec.values.modelParameters = { from: "the JSON view" };
    const edited = JSON.stringify(doc, null, 2);
    await json.fill(edited);
    await page.getByTestId("tab-graph").click();
    await node(page, "echo").click();
    await expect(page.getByTestId("node-model-parameters")).toHaveValue(/the JSON view/);
    await page.getByTestId("tab-json").click();
    await expect(json).toHaveValue(edited);
    await page.getByTestId("tab-graph").click();

    // Deploy: the vDAG's page, where it becomes active.
    await page.getByTestId("deploy").click();
    const uri = `${name}:1.0.0-beta`;
    await expect(page).toHaveURL(new RegExp(`/vdags/${encodeURIComponent(uri)}$`));
    await expect(page.getByRole("heading", { name: uri, level: 2 })).toBeVisible();
    await expect(page.getByTestId("status").first()).toHaveText("active", { timeout: ACTIVE_TIMEOUT });

    // Run: the answer, and each step on the graph and in the trace table.
    await expect(page.getByTestId("run-input")).toHaveValue('{"text":"I love it"}');
    await page.getByTestId("run").click();
    await expect(page.getByTestId("run-status")).toHaveText("succeeded");
    await expect(page.getByTestId("run-result")).toContainText('"positive"');
    const graph = page.getByTestId("plan-graph");
    for (const label of ["language-detect", "sentiment", "echo"]) {
      await expect(graph.getByTestId(`plan-node-${label}`)).toHaveAttribute("data-status", "ok");
      await expect(graph.getByTestId(`plan-node-${label}`).getByTestId("plan-node-step")).toContainText(
        /ok · .*s/,
      );
      await expect(page.getByTestId(`trace-step-${label}`).getByTestId("trace-status")).toHaveText("ok");
    }
    await expect(page.getByTestId("trace-table").locator("tbody tr")).toHaveCount(3);

    // An async task: queued, then the panel follows it to its end (a text of its own, so the
    // answer cannot be the synchronous run's).
    await page.getByTestId("run-input").fill('{"text":"I hate it"}');
    await page.getByTestId("run-async").check();
    await page.getByTestId("run").click();
    await expect(page.getByTestId("run-status")).toHaveText("succeeded");
    await expect(page.getByTestId("run-result")).toContainText('"negative"');
    await expect(page.getByTestId("trace-table").locator("tbody tr")).toHaveCount(3);

    // Each recent request names its OpenTelemetry trace id, to open it in a trace backend.
    const traceIds = page.getByTestId("vdag-tasks").getByTestId("task-trace-id");
    await expect(traceIds).toHaveCount(2, { timeout: 15_000 });
    await expect(traceIds.first()).toHaveText(/^[0-9a-f]{32}$/);
  });
});

test("the Master DAG shows the edges of text-pipeline between its blocks", async ({ page }) => {
  await page.goto("/vdags");
  await page.getByTestId("master-dag-link").click();
  await expect(page.getByRole("heading", { name: "Master DAG", level: 2 })).toBeVisible();
  const graph = page.getByTestId("master-graph");
  for (const block of ["language-detect", "sentiment", "echo"]) {
    await expect(graph.getByTestId(`master-node-${block}`)).toBeVisible();
  }
  // Block to block: detect -> sentiment, detect -> other and aggregate (both echo), sentiment ->
  // aggregate, other -> aggregate (echo to itself).
  const edges = graph.locator(`[data-testid^="rf__edge-"][data-testid$="@${TEXT_PIPELINE}"]`);
  await expect(edges).toHaveCount(4);
  for (const [from, to] of [
    ["language-detect", "sentiment"],
    ["language-detect", "echo"],
    ["sentiment", "echo"],
    ["echo", "echo"],
  ]) {
    await expect(graph.getByTestId(`rf__edge-${from}->${to}@${TEXT_PIPELINE}`)).toBeAttached();
  }
  await expect(page.getByTestId(`legend-${TEXT_PIPELINE}`)).toContainText("4 edges");
});
