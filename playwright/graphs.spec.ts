import { expect, test } from "./fixtures";
import { AGENT_TIMEOUT, COUNTER, deployFunction, mutate, query, uniqueName, WORD_STATS } from "./policy-api";

/**
 * Policy graphs (execution type 5) in the console: a graph of two deployed functions (the example
 * `counter`, then `word-stats` of its output) created from the form, drawn, and executed with every
 * step's output on the drawing; and a run that fails at a function that is gone.
 */
test("a graph created from the form is drawn, executed with each step's output, and listed", async ({
  page,
  request,
}) => {
  test.setTimeout(2 * AGENT_TIMEOUT + 60_000);
  const tally = uniqueName("g-tally");
  const stats = uniqueName("g-stats");
  await deployFunction(request, tally, COUNTER);
  await deployFunction(request, stats, WORD_STATS);
  const name = uniqueName("e2e-graph");
  const graphURI = `${name}:1.0.0-stable`;

  await page.goto("/graphs");
  const form = page.getByTestId("create-graph");
  await expect(form).toContainText(tally);
  await form.getByTestId("graph-name").fill(name);
  await form.getByTestId("graph-edges").fill(JSON.stringify({ [tally]: [stats] }));
  await form.getByTestId("graph-create").click();

  await expect(page).toHaveURL(`/graphs/${encodeURIComponent(graphURI)}`);
  await expect(page.getByRole("heading", { name: graphURI, level: 2 })).toBeVisible();
  const flow = page.getByTestId("graph-flow");
  await expect(flow.locator(".react-flow__node")).toHaveCount(2);
  await expect(flow.locator(".react-flow__edge")).toHaveCount(1);
  // Each node shows its function's status (the functions list is polled).
  await expect(flow.getByTestId(`graph-node-${stats}`)).toContainText("running · 1/1 ready");

  const execute = page.getByTestId("execute-card");
  await execute.getByTestId("execute-input").fill('{"key":"a"}');
  await execute.getByTestId("execute").click();
  await expect(execute.getByTestId("execute-status")).toHaveText("succeeded");
  // word-stats of counter's {key: "a", count: 1}: one text, the word "a".
  await expect(execute.getByTestId("execute-outputs")).toContainText(`"${stats}"`);
  await expect(execute.getByTestId("execute-outputs")).toContainText('"longest": "a"');
  await expect(execute.locator('[data-testid^="step-row-"]')).toHaveCount(2);

  const head = flow.getByTestId(`graph-node-${tally}`);
  await expect(head).toHaveAttribute("data-status", "ok");
  await expect(head.getByTestId("graph-node-output")).toContainText('"count":1');
  await expect(flow.getByTestId(`graph-node-${stats}`)).toHaveAttribute("data-status", "ok");

  await page.getByRole("link", { name: "Graphs" }).first().click();
  const row = page.getByTestId(`graph-row-${graphURI}`);
  await expect(row.getByTestId("graph-functions")).toHaveText(`${tally}, ${stats}`);
  await row.getByRole("cell").first().click();
  await expect(page).toHaveURL(`/graphs/${encodeURIComponent(graphURI)}`);
});

test("a run that reaches a removed function fails there, and the functions after it are not reached", async ({
  page,
  request,
}) => {
  test.setTimeout(2 * AGENT_TIMEOUT + 60_000);
  const first = uniqueName("g-first");
  const second = uniqueName("g-second");
  await deployFunction(request, first, COUNTER);
  await deployFunction(request, second, WORD_STATS);
  const name = uniqueName("e2e-broken");
  await mutate(request, "graphs.create", { name, graph: { [first]: [second] } });
  await mutate(request, "functions.remove", { name: first });
  await expect
    .poll(async () => query(request, "functions.get", { name: first }), { timeout: AGENT_TIMEOUT })
    .toBeNull();

  await page.goto(`/graphs/${encodeURIComponent(`${name}:1.0.0-stable`)}`);
  const flow = page.getByTestId("graph-flow");
  await expect(flow.getByTestId(`graph-node-${first}`)).toContainText("not deployed");
  await page.getByTestId("execute").click();
  const execute = page.getByTestId("execute-card");
  await expect(execute.getByTestId("execute-status")).toHaveText("failed");
  await expect(execute).toContainText(`stopped at ${first}`);
  await expect(execute.getByTestId("execute-step-error")).toContainText("unavailable");
  await expect(flow.getByTestId(`graph-node-${first}`)).toHaveAttribute("data-status", "error");
  await expect(flow.getByTestId(`graph-node-${second}`)).toHaveAttribute("data-status", "not reached");
});
