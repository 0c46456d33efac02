import { API_URL, expect, test } from "./fixtures";

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
