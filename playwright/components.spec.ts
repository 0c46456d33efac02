import { API_URL, expect, test } from "./fixtures";
import { createRankingPolicy } from "./policy-api";

const EXAMPLES = [
  "model.echo:1.0.0-stable",
  "model.text-sentiment:1.0.0-stable",
  "model.language-detect:1.0.0-stable",
  "tool.http-proxy:1.0.0-stable",
];

test("the Components page lists the example components", async ({ page }) => {
  await page.goto("/components");
  for (const uri of EXAMPLES) await expect(page.getByTestId(`component-row-${uri}`)).toBeVisible();

  // The filter box narrows the table client-side.
  await page.getByPlaceholder("Filter by URI, type or tag").fill("sentiment");
  await expect(page.getByTestId("component-row-model.text-sentiment:1.0.0-stable")).toBeVisible();
  await expect(page.getByTestId("component-row-model.echo:1.0.0-stable")).toHaveCount(0);
});

test("a ranking policy orders the Components search, drops rows, and its failure is shown", async ({
  page,
  request,
  consoleErrors,
}) => {
  const suffix = Date.now().toString(36);
  const createRanking = (name: string, body: string) => createRankingPolicy(request, name, body);
  // The example components only, best last in the registry's order (their URIs descending).
  const reverse = await createRanking(
    `e2e-reverse-${suffix}`,
    `return { results: input.filterResult.filter((c) => c.tags.includes("example")).reverse() };`,
  );
  const broken = await createRanking(`e2e-broken-${suffix}`, 'throw new Error("ranking broke");');

  await page.goto("/components");
  const rows = page.locator('[data-testid^="component-row-"]');
  await expect(page.getByTestId("component-row-model.echo:1.0.0-stable")).toBeVisible();
  const picker = page.getByTestId("ranking-policy");
  await expect(picker.locator("option", { hasText: reverse })).toHaveCount(1);
  await picker.selectOption(reverse);
  await expect(page.getByText(/ranked by e2e-reverse-/)).toBeVisible();
  const ranked = await rows.evaluateAll((els) => els.map((e) => e.getAttribute("data-testid")));
  const examples = ranked.map((id) => id?.replace("component-row-", "") ?? "");
  expect(examples.length).toBeGreaterThanOrEqual(EXAMPLES.length);
  expect(examples).toEqual([...examples].sort().reverse());
  for (const uri of EXAMPLES) expect(examples).toContain(uri);
  expect(examples.some((uri) => uri.includes("e2e"))).toBe(false);

  // The text filter narrows the ranked rows, keeping their order.
  await page.getByPlaceholder("Filter by URI, type or tag").fill("model.");
  await expect(rows).toHaveCount(examples.filter((uri) => uri.includes("model.")).length);
  await page.getByPlaceholder("Filter by URI, type or tag").fill("");

  await picker.selectOption(broken);
  await expect(page.getByText(`the ranking policy ${broken} failed`)).toBeVisible();
  await expect(page.getByText("ranking broke")).toBeVisible();
  const rest = consoleErrors.filter((e) => !/status of 400/.test(e));
  consoleErrors.splice(0, consoleErrors.length, ...rest);

  await picker.selectOption({ label: "Registry order" });
  await expect(page.getByTestId("component-row-model.echo:1.0.0-stable")).toBeVisible();
});

test("a component's detail page shows its input protocol", async ({ page }) => {
  await page.goto("/components");
  await page.getByTestId("component-row-model.echo:1.0.0-stable").click();
  await expect(page).toHaveURL(/\/components\/model\.echo%3A1\.0\.0-stable$/);
  const input = page.getByTestId("input-protocol");
  await expect(input).toBeVisible();
  await expect(input.getByRole("row", { name: /message\s+string\s+Text to echo back/ })).toBeVisible();
});

test("a component registered through the API appears after a refetch", async ({ page, request }) => {
  await page.goto("/components");
  await expect(page.getByTestId("component-row-model.echo:1.0.0-stable")).toBeVisible();

  const name = `e2e-${Date.now().toString(36)}`;
  const uri = `tool.${name}:0.1.0-beta`;
  await expect(page.getByTestId(`component-row-${uri}`)).toHaveCount(0);

  const response = await request.post(`${API_URL}/trpc/parser.applySpec`, {
    data: {
      document: {
        header: { templateUri: "Parser/V1", action: "registerComponent" },
        body: {
          spec: {
            values: {
              componentId: { name, version: "0.1.0", releaseTag: "beta" },
              componentType: "tool",
              containerRegistryInfo: { componentMode: "aios", containerImage: "registry.local/e2e:0.1.0" },
              tags: ["e2e"],
              componentInputProtocol: { q: { type: "string", description: "Query" } },
            },
          },
        },
      },
    },
  });
  expect(response.status(), await response.text()).toBe(200);

  await page.reload();
  const row = page.getByTestId(`component-row-${uri}`);
  await expect(row).toBeVisible();
  await expect(row).toContainText("registry.local/e2e:0.1.0");
});

test("a component registered through the JSON editor, with schema errors shown while typing", async ({
  page,
}) => {
  await page.goto("/components");
  await page.getByTestId("register-component").click();
  await expect(page).toHaveURL(/\/components\/new$/);

  // Monaco loads from the bundle; the template passes the schema as it is.
  const editor = page.getByTestId("json-editor").locator(".monaco-editor");
  await expect(editor).toBeVisible({ timeout: 30_000 });
  await expect(page.getByTestId("schema-ok")).toBeVisible({ timeout: 30_000 });

  const name = `e2e-ui-${Date.now().toString(36)}`;
  const document = {
    header: { templateUri: "Parser/V1", action: "registerComponent" },
    body: {
      spec: {
        values: {
          componentId: { name, version: "0.1.0", releaseTag: "beta" },
          containerRegistryInfo: { componentMode: "aios" },
          runtime: { entry: "examples/components/echo/index.ts" },
          tags: ["e2e"],
          componentType: "tool",
        },
      },
    },
  };
  await editor.click();
  await page.keyboard.press("ControlOrMeta+A");
  await page.keyboard.press("Delete");
  await page.keyboard.insertText(JSON.stringify(document));
  await page.keyboard.press("Escape");

  // The text ends with `"tool"}}}}`: five steps left is inside the type's value. "tool!" breaks
  // the type's pattern, and the schema says so, naming the field, until the "!" is gone again.
  for (let i = 0; i < 5; i++) await page.keyboard.press("ArrowLeft");
  await page.keyboard.type("!");
  const problems = page.getByTestId("schema-problems");
  await expect(problems.getByTestId("problem-path")).toHaveText(["body.spec.values.componentType"]);
  await expect(problems).toContainText("must start with a letter");
  await page.keyboard.press("Backspace");
  await expect(page.getByTestId("schema-ok")).toBeVisible();
  await expect(problems).toHaveCount(0);

  // The API's Parser agrees, then the document is applied and the component's page opens.
  await page.getByTestId("validate-spec").click();
  await expect(page.getByTestId("server-valid")).toContainText("registerComponent");
  await page.getByTestId("apply-spec").click();
  const uri = `tool.${name}:0.1.0-beta`;
  await expect(page).toHaveURL(`/components/${encodeURIComponent(uri)}`);
  await expect(page.getByRole("heading", { name: uri, level: 2 })).toBeVisible();
  await expect(page.getByText("examples/components/echo/index.ts").first()).toBeVisible();
});
