import type { Page } from "@playwright/test";
import type * as Monaco from "monaco-editor";
import { API_URL, expect, test } from "./fixtures";

declare global {
  interface Window {
    /** Set by the console's policy editor for these tests. */
    aiosMonaco?: typeof Monaco;
  }
}

const ROUND_ROBIN = "round-robin:1.0.0-stable";
const COUNTER = "counter:1.0.0-stable";

test("the Policies page filters the example policy rules by kind", async ({ page }) => {
  await page.goto("/policies");
  await expect(page.getByTestId(`policy-row-${ROUND_ROBIN}`)).toBeVisible();
  await expect(page.getByTestId(`policy-row-${COUNTER}`)).toBeVisible();

  const kind = page.getByTestId("policy-kind-filter");
  await expect(kind.locator("option", { hasText: "loadBalancer" })).toHaveCount(1);
  await kind.selectOption("loadBalancer");
  await expect(page.getByTestId(`policy-row-${ROUND_ROBIN}`)).toBeVisible();
  await expect(page.getByTestId("policy-row-least-loaded:1.0.0-stable")).toBeVisible();
  await expect(page.getByTestId(`policy-row-${COUNTER}`)).toHaveCount(0);
  await expect(page.locator('[data-testid^="policy-row-"]')).toHaveCount(2);

  await kind.selectOption("");
  await expect(page.getByTestId(`policy-row-${COUNTER}`)).toBeVisible();
});

test("a policy's detail page shows its kind, code, defaults and commands", async ({ page }) => {
  await page.goto("/policies");
  await page.getByTestId(`policy-row-${ROUND_ROBIN}`).click();
  await expect(page).toHaveURL(/\/policies\/round-robin%3A1\.0\.0-stable$/);
  await expect(page.getByRole("heading", { name: ROUND_ROBIN, level: 2 })).toBeVisible();
  await expect(page.getByTestId("policy-kind-description")).toContainText(
    "picks the instance that processes it",
  );

  const code = page.getByTestId("policy-code");
  await expect(code).toContainText('kind: "loadBalancer"');
  await expect(code).toContainText("export default definePolicy");
  await expect(code.getByTestId("line-numbers")).toHaveText(/^1\s+2\s+3\s/);

  await expect(page.getByTestId("defaults")).toContainText("Settings");
  await expect(page.getByTestId("defaults")).toContainText("Parameters");
  await expect(page.getByTestId("management-commands").getByRole("row", { name: /reset/ })).toContainText(
    "Restart the rotation at the first instance",
  );
});

test("a function deployed through the API is listed as running", async ({ page, request }) => {
  const response = await request.post(`${API_URL}/trpc/functions.deploy`, {
    data: { name: "e2e-tally", policyRuleURI: COUNTER, clusterId: "local", replicas: 1 },
  });
  expect(response.status(), await response.text()).toBe(200);

  await page.goto("/policies");
  const row = page.getByTestId("function-row-e2e-tally");
  await expect(row).toBeVisible();
  await expect(row).toContainText(COUNTER);
  await expect(row).toContainText("local");
  // The agent starts the replica; the section refetches every 5 s.
  await expect(row).toContainText("running", { timeout: 45_000 });
  await expect(row.getByTestId("function-replicas")).toHaveText("1 / 1", { timeout: 45_000 });

  await row.getByRole("link", { name: COUNTER }).click();
  await expect(page).toHaveURL(/\/policies\/counter%3A1\.0\.0-stable$/);
  await expect(page.getByTestId("policy-code")).toContainText('kind: "function"');
});

/** Error markers of the policy being edited (TypeScript's and the dry run's): `owner line: message`. */
function codeMarkers(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const monaco = window.aiosMonaco;
    if (!monaco) return [];
    const model = monaco.editor.getModels().find((m) => m.uri.path.startsWith("/policies/"));
    if (!model) return [];
    return monaco.editor
      .getModelMarkers({ resource: model.uri })
      .filter((m) => m.severity === monaco.MarkerSeverity.Error)
      .map((m) => `${m.owner} ${m.startLineNumber}: ${m.message}`);
  });
}

test("the policy editor: types, dry runs, saves a new version and compares it", async ({
  page,
  consoleErrors,
}) => {
  test.setTimeout(180_000);
  const version = `1.0.${(Date.now() % 100_000) + 1}`;
  const saved = `round-robin:${version}-stable`;

  await page.goto(`/policies/${encodeURIComponent(ROUND_ROBIN)}`);
  await page.getByTestId("edit-policy").click();
  await expect(page).toHaveURL(/\/policies\/round-robin%3A1\.0\.0-stable\/edit$/);
  await expect(page.getByTestId("editor-uri")).toHaveText(ROUND_ROBIN);
  const code = page.getByTestId("code-editor");
  await expect(code.locator(".view-lines")).toContainText("export default definePolicy");
  // The dry-run input starts as the kind's sample.
  await expect(page.getByTestId("dry-run-input").locator(".view-lines")).toContainText('"load_balance"');

  // Break it: a type error on a new line 14, a runtime error on line 15.
  await code.locator(".view-lines").click();
  await page.keyboard.press("Control+Home");
  for (let i = 0; i < 12; i++) await page.keyboard.press("ArrowDown");
  await page.keyboard.press("End");
  await page.keyboard.press("Enter");
  await page.keyboard.insertText("const broken: number = input.blockId;");
  await page.keyboard.press("Enter");
  await page.keyboard.insertText('if (state.next >= 0) throw new Error("no instance today");');
  await expect(page.getByTestId("unsaved")).toBeVisible();

  // TypeScript (typed by the kind through the generated @aios/policy-runtime) flags line 14.
  await expect(code.locator(".squiggly-error").first()).toBeVisible();
  await expect(page.getByTestId("problem").first()).toContainText("line 14:");
  await expect(page.getByTestId("problem").first()).toContainText("TS2322");
  await expect
    .poll(() => codeMarkers(page))
    .toEqual([
      expect.stringMatching(/^typescript 14: Type 'string \| undefined' is not assignable to type 'number'/),
    ]);

  // The dry run fails at line 15: shown at its line in the editor and as a link that reveals it.
  await page.getByTestId("dry-run-button").click();
  await expect(page.getByTestId("dry-run-status")).toHaveText("runtime error");
  await expect(page.getByTestId("dry-run-error")).toContainText("no instance today");
  const at = page.getByTestId("dry-run-error-line");
  await expect(at).toHaveText(/^line 15, column \d+$/);
  await expect(code.locator(".policy-run-error-line")).toHaveCount(1);
  await expect
    .poll(() => codeMarkers(page))
    .toContainEqual(expect.stringMatching(/^dry-run 15: runtime error/));
  await at.click();
  await expect
    .poll(() =>
      page.evaluate(
        () =>
          window.aiosMonaco?.editor
            .getEditors()
            .find((e) => e.hasTextFocus())
            ?.getPosition()?.lineNumber,
      ),
    )
    .toBe(15);

  // Fix it: delete both lines (the cursor is on 15), log something instead.
  await page.keyboard.press("Control+Shift+K");
  await page.keyboard.press("ArrowUp");
  await page.keyboard.press("Control+Shift+K");
  await page.keyboard.press("ArrowUp");
  await page.keyboard.press("End");
  await page.keyboard.press("Enter");
  await page.keyboard.insertText('console.info("block", input.blockId ?? "none");');
  await expect(code.locator(".squiggly-error")).toHaveCount(0);
  await expect(page.getByTestId("problems-summary")).toHaveText("No problems");
  await expect.poll(() => codeMarkers(page)).toEqual([]);

  // Ctrl+Enter from the editor runs it again: passes, with the output and the log.
  await page.keyboard.press("Control+Enter");
  await expect(page.getByTestId("dry-run-status")).toHaveText("Passed");
  await expect(page.getByTestId("dry-run-output")).toContainText('"instanceId": "sentiment-0"');
  await expect(page.getByTestId("dry-run-logs")).toContainText("block sentiment");
  await expect(page.getByTestId("dry-run-error")).toHaveCount(0);

  // Save as a new version: the API's field error first, then a version of this run.
  await page.getByTestId("save-button").click();
  const dialog = page.getByTestId("save-dialog");
  const versionInput = dialog.getByTestId("version-input");
  // The next patch after the highest version so far (1.0.1 in a fresh home).
  await expect(versionInput).toHaveValue(/^1\.0\.[1-9]\d*$/);
  await versionInput.fill("1-0");
  await dialog.getByTestId("save-submit").click();
  await expect(dialog.getByTestId("field-error-version")).toContainText("must be digits");
  await versionInput.fill(version);
  await dialog.getByTestId("save-submit").click();
  await expect(page).toHaveURL(
    new RegExp(`/policies/${encodeURIComponent(saved).replace(/\./g, "\\.")}/edit$`),
  );
  await expect(page.getByTestId("editor-uri")).toHaveText(saved);
  await expect(code.locator(".view-lines")).toContainText('console.info("block"');
  await expect(page.getByTestId("unsaved")).toHaveCount(0);
  const versions = page.getByTestId("editor-version-select");
  await expect(versions).toHaveValue(saved);
  await expect(versions.locator("option", { hasText: `${version}-stable` })).toHaveCount(1);
  await expect(versions.locator("option", { hasText: "1.0.0-stable" })).toHaveCount(1);

  // The diff: the saved version against the one it came from (in a fresh home also the default,
  // the version before it), one added line.
  await page.getByTestId("compare-versions").click();
  await expect(page).toHaveURL(/\/diff$/);
  await expect(page.getByTestId("diff-modified")).toHaveValue(saved);
  await page.getByTestId("diff-original").selectOption(ROUND_ROBIN);
  await expect(page.getByTestId("diff-summary")).toHaveText("+1 −0 lines in 1 change");
  await expect(page.getByTestId("diff-editor").locator(".line-insert").first()).toBeVisible();

  // The detail page lists both versions.
  await page.goto(`/policies/${encodeURIComponent(saved)}`);
  await expect(page.getByTestId(`policy-version-${saved}`)).toContainText("this version");
  await expect(page.getByTestId(`policy-version-${ROUND_ROBIN}`)).toBeVisible();

  // The refused save (bad version) is a 400, which Chromium logs as a failed resource load.
  const rest = consoleErrors.filter((e) => !/status of 400/.test(e));
  consoleErrors.splice(0, consoleErrors.length, ...rest);
});

test("a new policy starts from its kind's template and dry-runs the kind's sample", async ({ page }) => {
  test.setTimeout(120_000);
  await page.goto("/policies");
  await page.getByTestId("policy-kind-filter").selectOption("loadBalancer");
  await page.getByTestId("new-policy").click();
  await expect(page).toHaveURL(/\/policies\/new\?kind=loadBalancer$/);
  const code = page.getByTestId("code-editor").locator(".view-lines");
  await expect(code).toContainText('kind: "loadBalancer"');
  await page.getByTestId("dry-run-button").click();
  await expect(page.getByTestId("dry-run-status")).toHaveText("Passed");
  await expect(page.getByTestId("dry-run-output")).toContainText('"instanceId"');

  // Another kind: the untouched template and sample follow it.
  await page.getByTestId("editor-kind-select").selectOption("ranking");
  await expect(page).toHaveURL(/\/policies\/new\?kind=ranking$/);
  await expect(code).toContainText('kind: "ranking"');
  await expect(page.getByTestId("dry-run-input").locator(".view-lines")).toContainText('"filterResult"');
  await page.getByTestId("dry-run-button").click();
  await expect(page.getByTestId("dry-run-status")).toHaveText("Passed");
  await expect(page.getByTestId("dry-run-output")).toContainText('"results"');
  await expect(page.getByTestId("problems-summary")).toHaveText("No problems");
});

test("the policy editor asks before unsaved changes are left behind", async ({ page }) => {
  test.setTimeout(120_000);
  await page.goto("/policies/new?kind=loadBalancer");
  const code = page.getByTestId("code-editor").locator(".view-lines");
  await expect(code).toContainText('kind: "loadBalancer"');
  const policiesLink = page.getByTestId("nav-policies");

  // Untouched: a link just goes.
  await policiesLink.click();
  await expect(page).toHaveURL(/\/policies$/);
  await page.goBack();
  await expect(code).toContainText('kind: "loadBalancer"');

  await code.click();
  await page.keyboard.press("Control+End");
  await page.keyboard.insertText("\n// an edit");
  await expect(page.getByTestId("unsaved")).toBeVisible();

  // A link within the console asks; declined, the editor stays, edit and all.
  const asked: string[] = [];
  page.once("dialog", (d) => {
    asked.push(d.message());
    void d.dismiss();
  });
  await policiesLink.click();
  await expect.poll(() => asked).toEqual(["Discard the unsaved changes?"]);
  await expect(page).toHaveURL(/\/policies\/new\?kind=loadBalancer$/);
  await expect(code).toContainText("// an edit");

  // Closing the tab: the browser's own prompt.
  const closing = page.waitForEvent("dialog");
  void page.close({ runBeforeUnload: true });
  const prompt = await closing;
  expect(prompt.type()).toBe("beforeunload");
  await prompt.accept();
});
