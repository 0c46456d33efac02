import type { TAuditEventRecord } from "@aios/contracts";
import { beforeAll, describe, expect, it } from "vitest";
import { useApiServer } from "../../../apps/api/test/harness";
import { runCli } from "./cli-io";

describe("aios audit, against an API in token mode", () => {
  const api = useApiServer({ auth: "token" });
  let admin: string;
  let viewer: string;

  /** Runs `aios <args>` as `token`: its exit code, stdout and stderr. */
  const run = (args: string[], token = admin) => runCli(api.url, args, token);

  beforeAll(async () => {
    admin = (await api.services.tokens.issue({ name: "cli audit admin", role: "admin" })).token;
    viewer = (await api.services.tokens.issue({ name: "cli audit viewer", role: "viewer" })).token;
    // A refused management command and a failed scale: both in the audit.
    expect((await run(["mgmt", "block", "aud-cli-blk", "--action", "restart"], viewer)).code).toBe(1);
    expect((await run(["scale", "block", "aud-cli-blk", "2"])).code).toBe(1);
  });

  it("lists the audit newest first as a table: time, principal, action, target, outcome, reason", async () => {
    const r = await run(["audit", "--since", "1h"]);
    expect(r.code, r.err).toBe(0);
    const [header, ...rows] = r.out.split("\n");
    expect(header).toMatch(/^TIME\s+PRINCIPAL\s+ACTION\s+TARGET\s+OUTCOME\s+REASON$/);
    expect(
      rows.some((l) =>
        /cli audit viewer \(viewer\)\s+blocks\.\S+\s+\S+\s+refused\s+blocks\.\S+ needs role operator/.test(l),
      ),
    ).toBe(true);
  });

  it("filters by principal, action and outcome, and answers JSON with -o json", async () => {
    const r = await run(["audit", "--principal", "cli audit viewer", "--outcome", "refused", "-o", "json"]);
    expect(r.code, r.err).toBe(0);
    const events = JSON.parse(r.out) as TAuditEventRecord[];
    expect(events.length).toBeGreaterThan(0);
    expect(events.every((e) => e.principal?.name === "cli audit viewer" && e.outcome === "refused")).toBe(
      true,
    );

    const scaled = JSON.parse(
      (await run(["audit", "--action", "blocks.scale", "-o", "json"])).out,
    ) as TAuditEventRecord[];
    expect(scaled.map((e) => [e.action, e.outcome, e.principal?.name])).toEqual([
      ["blocks.scale", "failed", "cli audit admin"],
    ]);
    expect((await run(["audit", "--since", "2099-01-01T00:00:00Z"])).out).toBe("No resources found.");
  });

  it("refuses a malformed --since or --outcome as usage errors, and a viewer with the API's refusal", async () => {
    const since = await run(["audit", "--since", "yesterday"]);
    expect(since.code).toBe(2);
    expect(since.err).toContain(
      'audit --since: "yesterday" is neither a duration (30m, 1h, 7d) nor an ISO-8601 time',
    );
    const outcome = await run(["audit", "--outcome", "denied"]);
    expect(outcome.code).toBe(2);
    expect(outcome.err).toContain("audit --outcome must be one of ok, refused, failed");
    const asViewer = await run(["audit"], viewer);
    expect(asViewer.code).toBe(1);
    expect(asViewer.err).toContain("auditEvents.list needs role admin; this token has viewer");
  });
});
