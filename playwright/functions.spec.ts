import type { Page } from "@playwright/test";
import { expect, test } from "./fixtures";
import { AGENT_TIMEOUT, COUNTER, deployFunction, mutate, uniqueName } from "./policy-api";

/**
 * Policy functions (execution type 4) in the console: deployed from the form or through the API,
 * listed, scaled, invoked (each replica keeps its own state: the example `counter` counts calls
 * per key) and sent management commands.
 */
const readyReplicas = (page: Page) =>
  page.getByTestId("replicas-card").getByTestId("replica-status").getByText("ready", { exact: true });

test("a function deployed from the form is listed, opens, runs its replica and is removed", async ({
  page,
}) => {
  test.setTimeout(AGENT_TIMEOUT + 60_000);
  const name = uniqueName("fn-form");
  await page.goto("/functions");
  const form = page.getByTestId("deploy-function");
  await form.getByTestId("deploy-name").fill(name);
  await form.getByTestId("deploy-policy").selectOption(COUNTER);
  await form.getByTestId("deploy-cluster").selectOption("local");
  await form.getByTestId("deploy-replicas").fill("1");
  await form.getByTestId("deploy-submit").click();

  await expect(page).toHaveURL(`/functions/${name}`);
  await expect(page.getByRole("heading", { name, level: 2 })).toBeVisible();
  await expect(page.getByTestId("status")).toHaveText("running", { timeout: AGENT_TIMEOUT });
  await expect(readyReplicas(page)).toHaveCount(1);
  // A ready replica has the address the API calls it at.
  await expect(page.getByTestId("replica-row-0")).toContainText("http://127.0.0.1:");

  await page.getByRole("link", { name: "Functions" }).first().click();
  const row = page.getByTestId(`function-row-${name}`);
  await expect(row).toContainText(COUNTER);
  await expect(row.getByTestId("function-replicas")).toHaveText("1 / 1");
  await row.getByRole("cell").first().click();
  await expect(page).toHaveURL(`/functions/${name}`);

  await page.getByRole("button", { name: "Remove" }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Remove function" }).click();
  await expect(page).toHaveURL(/\/functions$/);
  // Once its agent stopped the replica, the function leaves the list without a reload.
  await expect(page.getByTestId(`function-row-${name}`)).toHaveCount(0, { timeout: AGENT_TIMEOUT });
});

test("a name the API refuses shows its reason", async ({ page, consoleErrors }) => {
  await page.goto("/functions");
  const form = page.getByTestId("deploy-function");
  await form.getByTestId("deploy-name").fill("Not_A_Label");
  await form.getByTestId("deploy-policy").selectOption(COUNTER);
  await form.getByTestId("deploy-submit").click();
  await expect(form.getByTestId("deploy-error")).toContainText("name: must be a DNS-1123 label");
  await expect(page).toHaveURL(/\/functions$/);
  // The refused call is a 400, which Chromium logs as a failed resource load: expected here.
  const rest = consoleErrors.filter((e) => !/status of 400/.test(e));
  consoleErrors.splice(0, consoleErrors.length, ...rest);
});

test("a function deployed with autoscaling shows its rules, and bounds the API refuses are said", async ({
  page,
  request,
  consoleErrors,
}) => {
  const name = uniqueName("fn-auto");
  await page.goto("/functions");
  const form = page.getByTestId("deploy-function");
  await form.getByTestId("deploy-name").fill(name);
  await form.getByTestId("deploy-policy").selectOption(COUNTER);
  await form.getByTestId("deploy-cluster").selectOption("local");
  await form.getByTestId("deploy-replicas").fill("2");
  await form.getByTestId("deploy-autoscale").check();
  await form.getByTestId("deploy-max-replicas").fill("1");
  await form.getByTestId("deploy-submit").click();
  await expect(form.getByTestId("deploy-error")).toContainText("maxReplicas: must be at least minReplicas");
  const rest = consoleErrors.filter((e) => !/status of 400/.test(e));
  consoleErrors.splice(0, consoleErrors.length, ...rest);

  await form.getByTestId("deploy-max-replicas").fill("3");
  await form.getByTestId("deploy-target").fill("1.5");
  await form.getByTestId("deploy-submit").click();
  await expect(page).toHaveURL(`/functions/${name}`);
  await expect(page.getByTestId("autoscaling")).toHaveText(
    "2–3 replicas, 1.5 in flight per replica, down after 30 s",
  );
  await mutate(request, "functions.remove", { name });
});

test("scaling a function to 2 runs two ready replicas", async ({ page, request }) => {
  test.setTimeout(2 * AGENT_TIMEOUT + 30_000);
  const name = uniqueName("fn-scale");
  await deployFunction(request, name, COUNTER, 1);
  await page.goto(`/functions/${name}`);
  await expect(readyReplicas(page)).toHaveCount(1);

  await page.getByTestId("scale-input").fill("2");
  await page.getByRole("button", { name: "Scale" }).click();
  await expect(page.getByTestId("desired-replicas")).toHaveText("2 desired");
  await expect(readyReplicas(page)).toHaveCount(2, { timeout: AGENT_TIMEOUT });
  await expect(page.getByTestId("replicas-summary")).toContainText("2 ready of 2 desired");

  await page.goto("/functions");
  await expect(page.getByTestId(`function-row-${name}`).getByTestId("function-replicas")).toHaveText("2 / 2");
});

test("invoking shows each call's output, and a management command acts on the replica's state", async ({
  page,
  request,
}) => {
  test.setTimeout(AGENT_TIMEOUT + 30_000);
  const name = uniqueName("fn-invoke");
  await deployFunction(request, name, COUNTER, 1);
  await page.goto(`/functions/${name}`);
  await expect(readyReplicas(page)).toHaveCount(1);

  const invoke = page.getByTestId("invoke-card");
  await invoke.getByTestId("invoke-input").fill('{"key":"a"}');
  await invoke.getByTestId("invoke").click();
  const result = invoke.getByTestId("invoke-result");
  await expect(result.getByTestId("call-status")).toHaveText("ok");
  await expect(result.getByTestId("call-replica")).toHaveText("replica 0");
  await expect(result.getByTestId("call-output")).toContainText('"count": 1');
  // The replica keeps its state between calls.
  await invoke.getByTestId("invoke").click();
  await expect(result.getByTestId("call-output")).toContainText('"count": 2');

  const mgmt = page.getByTestId("fn-mgmt-card");
  await expect(mgmt).toContainText("reset");
  await mgmt.getByTestId("fn-mgmt-action").fill("reset");
  await mgmt.getByTestId("fn-mgmt-run").click();
  await expect(mgmt.getByTestId("fn-mgmt-result").getByTestId("call-output")).toContainText('"counts": {}');
  await invoke.getByTestId("invoke").click();
  await expect(result.getByTestId("call-output")).toContainText('"count": 1');

  // Input that is not JSON is refused before anything is sent.
  await invoke.getByTestId("invoke-input").fill("{not json");
  await invoke.getByTestId("invoke").click();
  await expect(invoke.getByTestId("invoke-error")).toContainText("the input is not valid JSON");
});
