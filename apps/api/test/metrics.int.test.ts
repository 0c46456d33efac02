import { resolve } from "node:path";
import { loadSpecFile } from "@aios/contracts/files";
import { beforeAll, describe, expect, it } from "vitest";
import { checkMetrics, promtoolSkipReason } from "../../../scripts/promtool";
import { useApiServer } from "./harness";

const examples = resolve(import.meta.dirname, "../../../examples/specs/policies.json");
const lbInput = {
  mode: "load_balance",
  packet: { session_id: "s", seq_no: 1, data: {}, ts: 0 },
  instances: [{ id: "in-aaaa" }, { id: "in-bbbb" }],
};

describe("the API's GET /metrics", () => {
  const api = useApiServer();
  beforeAll(async () => {
    for (const { document } of loadSpecFile(examples)) await api.caller().parser.applySpec({ document });
  });

  it("counts data-plane requests by route and status, policy evaluations by kind, registries by status", async () => {
    const miss = await fetch(`${api.url}/v1/blocks/no-such-block/infer`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ packet: { data: {} } }),
    });
    expect(miss.status).toBeGreaterThanOrEqual(400);
    expect((await fetch(`${api.url}/v2/health/live`)).status).toBe(200);
    const r = await api
      .caller()
      .policies.execute({ policyRuleURI: "round-robin:1.0.0-stable", input: lbInput });
    expect(r.ok).toBe(true);

    const res = await fetch(`${api.url}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/plain/);
    const text = await res.text();
    expect(text).toContain(
      `aios_api_requests_total{route="POST /v1/blocks/:blockId/infer",code="${miss.status}"} 1`,
    );
    expect(text).toContain('aios_api_requests_total{route="GET /v2/health/live",code="200"} 1');
    expect(text).toMatch(/aios_api_request_duration_seconds_count\{route="GET \/v2\/health\/live"\} 1/);
    expect(text).toMatch(/aios_policy_eval_duration_seconds_count\{kind="loadBalancer"\} 1/);
    expect(text).toContain('aios_vdag_tasks{status="queued"} 0');
    expect(text).toMatch(/aios_queue_jobs\{queue="api.vdag-tasks",state="waiting"\} \d+/);
    expect(text).toContain('aios_api_scrape_errors_total{source="database"} 0');
    expect(text).toContain("# TYPE aios_blocks gauge");
    // A request's content is never a label.
    expect(text).not.toContain("no-such-block");
  });

  const skip = promtoolSkipReason();
  it.skipIf(skip)(`passes promtool check metrics${skip ? ` (skipped: ${skip})` : ""}`, async () => {
    const text = await (await fetch(`${api.url}/metrics`)).text();
    expect(checkMetrics(text)).toEqual({ code: 0, output: "" });
  });
});
