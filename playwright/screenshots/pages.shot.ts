import { resolve } from "node:path";
import { expect, type Page, test } from "@playwright/test";

const OUT = resolve(import.meta.dirname, "../../docs/screenshots");
const PIPELINE = encodeURIComponent("text-pipeline:1.0.0-stable");
const POLICY = encodeURIComponent("keyword-router:1.0.0-stable");
const COMPONENT = encodeURIComponent("model.text-sentiment:1.0.0-stable");

/** Each page, and what shows that it finished loading (live data, not a skeleton). */
const PAGES: Array<{ name: string; path: string; ready: (page: Page) => Promise<void> }> = [
  { name: "overview", path: "/", ready: (p) => expect(p.getByText("local").first()).toBeVisible() },
  { name: "network", path: "/network", ready: (p) => expect(p.getByText("local").first()).toBeVisible() },
  {
    name: "cluster",
    path: "/network/clusters/local",
    ready: (p) => expect(p.getByText("local").first()).toBeVisible(),
  },
  {
    name: "components",
    path: "/components",
    ready: (p) => expect(p.getByText("model.text-sentiment").first()).toBeVisible(),
  },
  {
    name: "component",
    path: `/components/${COMPONENT}`,
    ready: (p) => expect(p.getByText("model.text-sentiment").first()).toBeVisible(),
  },
  { name: "blocks", path: "/blocks", ready: (p) => expect(p.getByText("running").first()).toBeVisible() },
  {
    name: "block",
    path: "/blocks/sentiment",
    ready: (p) => expect(p.getByText("healthy").first()).toBeVisible(),
  },
  { name: "vdags", path: "/vdags", ready: (p) => expect(p.getByText("text-pipeline").first()).toBeVisible() },
  {
    name: "vdag",
    path: `/vdags/${PIPELINE}`,
    ready: (p) => expect(p.locator(".react-flow__node").first()).toBeVisible(),
  },
  {
    name: "vdag-editor",
    path: `/vdags/${PIPELINE}/edit`,
    ready: (p) => expect(p.locator(".react-flow__node").first()).toBeVisible(),
  },
  {
    name: "master-dag",
    path: "/vdags/master",
    ready: (p) => expect(p.locator(".react-flow__node").first()).toBeVisible(),
  },
  {
    name: "vdag-new",
    path: "/vdags/new",
    ready: (p) => expect(p.getByTestId("tab-json")).toBeVisible(),
  },
  {
    name: "block-new",
    path: "/blocks/new",
    ready: (p) => expect(p.getByRole("button").first()).toBeVisible(),
  },
  {
    name: "component-new",
    path: "/components/new",
    ready: (p) => expect(p.locator(".monaco-editor").first()).toBeVisible(),
  },
  {
    name: "cluster-new",
    path: "/network/new",
    ready: (p) => expect(p.locator(".monaco-editor").first()).toBeVisible(),
  },
  {
    name: "policies",
    path: "/policies",
    ready: (p) => expect(p.getByText("round-robin").first()).toBeVisible(),
  },
  {
    name: "policy",
    path: `/policies/${POLICY}`,
    ready: (p) => expect(p.getByText("keyword-router").first()).toBeVisible(),
  },
  {
    name: "policy-editor",
    path: `/policies/${POLICY}/edit`,
    ready: (p) => expect(p.locator(".monaco-editor").first()).toBeVisible(),
  },
  {
    name: "policy-diff",
    path: `/policies/${POLICY}/diff`,
    ready: (p) => expect(p.getByRole("heading").first()).toBeVisible(),
  },
  { name: "functions", path: "/functions", ready: (p) => expect(p.getByTestId("deploy-name")).toBeVisible() },
  { name: "graphs", path: "/graphs", ready: (p) => expect(p.getByTestId("graph-name")).toBeVisible() },
  { name: "jobs", path: "/jobs", ready: (p) => expect(p.getByTestId("job-input")).toBeVisible() },
  {
    name: "executors",
    path: "/executors",
    ready: (p) => expect(p.getByText("No executors registered")).toBeVisible(),
  },
  {
    name: "metrics",
    path: "/metrics",
    ready: (p) => expect(p.locator('[data-testid^="metrics-row-"]').first()).toBeVisible(),
  },
  {
    name: "specs",
    path: "/specs",
    ready: (p) => expect(p.getByRole("heading", { name: "Specs", level: 2 })).toBeVisible(),
  },
  {
    name: "quality",
    path: "/quality",
    ready: (p) => expect(p.getByRole("heading", { name: "Quality audit", level: 2 })).toBeVisible(),
  },
];

test.beforeAll(async ({ request }) => {
  // The example vDAG serves once its blocks run: its pages then show live figures.
  await expect
    .poll(
      async () => {
        const res = await request.get(
          `http://127.0.0.1:4100/trpc/vdags.get?input=${encodeURIComponent(JSON.stringify({ vdagURI: "text-pipeline:1.0.0-stable" }))}`,
        );
        return ((await res.json()) as { result?: { data?: { status?: string } } }).result?.data?.status;
      },
      { timeout: 120_000, intervals: [1_000] },
    )
    .toBe("active");
});

for (const { name, path, ready } of PAGES) {
  test(name, async ({ page }) => {
    await page.goto(path);
    await ready(page);
    await page.waitForLoadState("networkidle");
    await page.screenshot({ path: resolve(OUT, `${name}.png`), fullPage: true });
  });
}
