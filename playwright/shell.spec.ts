import { expect, test } from "./fixtures";

const SIDEBAR = [
  { label: "Network", path: "/network" },
  { label: "Components", path: "/components" },
  { label: "Blocks", path: "/blocks" },
  { label: "vDAGs", path: "/vdags" },
  { label: "Policies", path: "/policies" },
  { label: "Functions", path: "/functions" },
  { label: "Graphs", path: "/graphs" },
  { label: "Jobs", path: "/jobs" },
  // Open mode: anonymous callers are admins, so the admins' Tokens page is listed.
  { label: "Tokens", path: "/tokens" },
  { label: "Overview", path: "/" },
];

test("every sidebar item navigates to its page without console errors", async ({ page }) => {
  await page.goto("/");
  // Counts have loaded (other tests may have registered more than the four examples).
  await expect(page.getByTestId("count-components").getByTestId("stat-value")).toHaveText(/^\d+$/);
  for (const item of SIDEBAR) {
    const link = page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: item.label });
    await link.click();
    await expect(page).toHaveURL(
      new RegExp(`^http://127\\.0\\.0\\.1:3100${item.path === "/" ? "/$" : `${item.path}$`}`),
    );
    await expect(page.getByTestId("page-title")).toHaveText(item.label);
    await expect(link).toHaveAttribute("aria-current", "page");
    await expect(page.getByRole("heading", { level: 2, name: item.label, exact: true })).toBeVisible();
    // Each page settles into data or its empty state, never the error state. (Only the loading
    // indicators: other statuses, a node's liveness note say, may stay.)
    await expect(page.getByRole("status", { name: /^Loading/ })).toHaveCount(0);
    await expect(page.getByTestId("error-state")).toHaveCount(0);
  }
  // The consoleErrors fixture asserts that no console error or page error occurred.
});

test("the health indicator says Connected", async ({ page }) => {
  await page.goto("/");
  const health = page.getByTestId("health-indicator");
  await expect(health).toHaveText("Connected");
  await expect(health).toHaveAttribute("data-state", "ok");
  await expect(page.getByTestId("health-details")).toContainText("PostgreSQL");
  // What the API process hears: other API processes' events and token changes, on its own connections.
  const heard = page.getByTestId("health-notifications");
  await expect(heard).toContainText("live events listening");
  await expect(heard).toContainText("token changes listening");
});
