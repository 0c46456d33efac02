import { expect, test } from "./fixtures";
import { AGENT_TIMEOUT, mutate, uniqueName, WORD_STATS } from "./policy-api";

/**
 * Policy jobs (execution type 3) in the console: a job submitted from the form, followed until it
 * finishes with its output and logs, then listed; and a job that fails, with its error.
 */
test("a job submitted from the form finishes with its output and logs, and is listed", async ({ page }) => {
  test.setTimeout(AGENT_TIMEOUT + 30_000);
  const name = uniqueName("e2e-job");
  await page.goto("/jobs");
  const form = page.getByTestId("submit-job");
  await form.getByTestId("job-policy").selectOption(WORD_STATS);
  await form.getByTestId("job-cluster").selectOption("local");
  await form.getByTestId("job-name").fill(name);
  await form.getByTestId("job-input").fill('"hello wonderful world"');
  await form.getByTestId("job-submit").click();

  await expect(page).toHaveURL(/\/jobs\/pj-[a-z0-9]+$/);
  const id = decodeURIComponent(page.url().split("/").pop() ?? "");
  await expect(page.getByRole("heading", { name: id, level: 2 })).toBeVisible();
  // The page follows the job without a reload until it finishes.
  await expect(page.getByTestId("status")).toHaveText("succeeded", { timeout: AGENT_TIMEOUT });
  await expect(page.getByTestId("job-output")).toContainText('"words": 3');
  await expect(page.getByTestId("job-output")).toContainText('"longest": "wonderful"');
  await expect(page.getByTestId("job-log-lines")).toContainText("3 words in 1 texts");

  await page.getByRole("link", { name: "Jobs" }).first().click();
  const row = page.getByTestId(`job-row-${id}`);
  await expect(row).toContainText(name);
  await expect(row).toContainText(WORD_STATS);
  await expect(row).toContainText("local");
  await expect(row.getByTestId("status")).toHaveText("succeeded");
  await row.getByRole("cell").first().click();
  await expect(page).toHaveURL(`/jobs/${id}`);
});

test("a job whose input its policy refuses fails with the error, naming the field", async ({
  page,
  request,
}) => {
  test.setTimeout(AGENT_TIMEOUT + 30_000);
  // A loadBalancer policy takes an object ({packet, instances}); the runtime checks that before eval.
  const job = (await mutate(request, "policies.submitJob", {
    policyRuleURI: "round-robin:1.0.0-stable",
    clusterId: "local",
    input: "no instances",
  })) as { id: string };
  await page.goto("/jobs");
  await page.getByTestId(`job-row-${job.id}`).getByRole("cell").first().click();
  await expect(page).toHaveURL(`/jobs/${job.id}`);
  await expect(page.getByTestId("status")).toHaveText("failed", { timeout: AGENT_TIMEOUT });
  await expect(page.getByTestId("job-error")).toContainText("invalid_input");
  await expect(page.getByTestId("job-error")).toContainText("input: expected an object, got string");
  await expect(page.getByTestId("job-output")).toHaveCount(0);
});
