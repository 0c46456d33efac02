import { API_URL, expect, test } from "./fixtures";
import { mutate, uniqueName } from "./policy-api";

/**
 * The Specs page over the spec store: a spec stored through the API (`specs.create`, as
 * `aios specs put` does) for the example one-model-service template (loaded at start), previewed
 * (`parser.expand`) and applied (`parser.applySpec` with its URI) from its page.
 */
test("a stored spec for a template is listed, previewed and applied from its page", async ({
  page,
  request,
}) => {
  const name = uniqueName("e2e-svc");
  const uri = `${name}:1.0.0-stable`;
  await mutate(request, "specs.create", {
    name,
    version: "1.0.0",
    releaseTag: "stable",
    description: "one echo model, served",
    tags: ["e2e"],
    document: {
      header: { templateUri: "one-model-service:1.0.0-stable", parameters: { clusterId: "local" } },
      body: { name, component: { program: "examples/components/echo/index.ts" }, replicas: 1 },
    },
  });

  await page.goto("/specs");
  const row = page.getByTestId(`spec-row-${uri}`);
  await expect(row).toBeVisible();
  await expect(row.getByTestId("spec-does")).toHaveText("template one-model-service:1.0.0-stable");
  await page.getByPlaceholder("Filter by URI, action, template or tag").fill("no-such-spec-anywhere");
  await expect(page.getByText("No spec matches")).toBeVisible();
  await page.getByPlaceholder("Filter by URI, action, template or tag").fill("");

  await row.click();
  await expect(page).toHaveURL(new RegExp(`/specs/${encodeURIComponent(uri)}$`));
  await page.getByTestId("expand-spec").click();
  const expansion = page.getByTestId("spec-expansion");
  await expect(expansion).toContainText("3 document(s) from one-model-service:1.0.0-stable, not applied");
  await expect(expansion).toContainText('"action": "createvDAG"');
  // A preview applies nothing.
  expect(
    (
      await request.get(
        `${API_URL}/trpc/blocks.get?input=${encodeURIComponent(JSON.stringify({ id: name }))}`,
      )
    ).status(),
  ).toBe(404);

  await page.getByTestId("apply-stored-spec").click();
  const outcomes = page.getByTestId("spec-outcomes");
  await expect(outcomes.getByRole("listitem")).toHaveText([
    new RegExp(`^registerComponent\\s*model\\.${name}:1\\.0\\.0-stable\\s*created$`),
    new RegExp(`^createBlock\\s*${name}\\s*created$`),
    new RegExp(`^createvDAG\\s*${name}:1\\.0\\.0-stable\\s*created$`),
  ]);
  await expect(expansion).toHaveCount(0);
  await outcomes.getByRole("link", { name, exact: true }).click();
  await expect(page).toHaveURL(new RegExp(`/blocks/${name}$`));
});
