import { API_URL, expect, test } from "./fixtures";

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
