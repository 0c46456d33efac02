import { API_URL, expect, test } from "./fixtures";
import { AGENT_TIMEOUT, mutate, query, uniqueName } from "./policy-api";

const apply = (request: Parameters<typeof mutate>[0], action: string, values: Record<string, unknown>) =>
  mutate(request, "parser.applySpec", {
    document: { header: { templateUri: "Parser/V1", action }, body: { spec: { values } } },
  });

/**
 * The Quality audit page: a vDAG over the running echo block whose quality policy sends every
 * request to the manual audit queue; one request through the data plane, then a reviewer opens
 * the sample from the pending list, compares input and output, and records a verdict with a note.
 */
test("a sample routed to manual is reviewed in the console: input and output side by side, pass with a note", async ({
  page,
  request,
}) => {
  test.setTimeout(120_000);
  const name = uniqueName("e2e-qa");
  const vdagURI = `${name}:1.0.0-stable`;
  await apply(request, "createPolicy", {
    name,
    version: "1.0.0",
    releaseTag: "stable",
    kind: "qualityChecker",
    code: `import { definePolicy } from "@aios/policy-runtime";
export default definePolicy({
  kind: "qualityChecker",
  init() { return {}; },
  eval() { return { passed: false, score: 0.3, reason: "needs a person", route: "manual" }; },
});
`,
  });
  await apply(request, "createvDAG", {
    vdagName: name,
    vdagVersion: { version: "1.0.0", "release-tag": "stable" },
    nodes: [{ spec: { values: { nodeLabel: "echo", manualBlockId: "echo" } } }],
    graph: { connections: [] },
    controller: {
      qualityChecker: {
        enabled: true,
        framesInterval: 1,
        qualityCheckerPolicyRule: { policyRuleURI: `${name}:1.0.0-stable` },
      },
    },
  });
  await expect
    .poll(async () => (await query<{ status: string }>(request, "vdags.get", { vdagURI }))?.status, {
      timeout: AGENT_TIMEOUT,
    })
    .toBe("active");
  const res = await request.post(`${API_URL}/v1/vdags/${encodeURIComponent(vdagURI)}/infer`, {
    data: { data: { text: "judge this answer" } },
  });
  expect(res.status()).toBe(200);
  let id = "";
  await expect
    .poll(
      async () => {
        const items = await query<Array<{ id: string }>>(request, "quality.auditItems", { vdagURI });
        id = items?.[0]?.id ?? "";
        return id;
      },
      { timeout: 30_000 },
    )
    .not.toBe("");

  await page.goto("/quality");
  await expect(page.getByTestId("quality-status-filter")).toHaveValue("pending");
  const row = page.getByTestId(`quality-row-${id}`);
  await expect(row).toBeVisible();
  await expect(row).toContainText("failed · 0.3");
  await row.click();
  await expect(page).toHaveURL(new RegExp(`/quality/${id}$`));
  await expect(page.getByTestId("quality-input")).toContainText('"text": "judge this answer"');
  await expect(page.getByTestId("quality-output")).toContainText('"text": "judge this answer"');
  await expect(page.getByText("needs a person")).toBeVisible();
  await page.getByTestId("quality-note").fill("the echo is exactly right");
  await page.getByTestId("quality-pass").click();
  await expect(page.getByTestId("quality-status")).toHaveText("reviewed");
  await expect(page.getByTestId("quality-reviewed-note")).toHaveText("the echo is exactly right");
  await expect(page.getByTestId("quality-pass")).toHaveCount(0);

  await page.goto("/quality");
  await page.getByTestId("quality-status-filter").selectOption("reviewed");
  await expect(page.getByTestId(`quality-row-${id}`).getByTestId("quality-review")).toHaveText("pass");
});
