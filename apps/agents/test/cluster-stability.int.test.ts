import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { main as cli } from "../../../packages/client/src/cli/main";
import { doc, rejection, useApiServer } from "../../api/test/harness";
import { type AgentProcess, startClusterAgent, waitUntil } from "./agent-process";

const redisUrl = process.env.AIOS_TEST_REDIS_URL ?? "";
const t = Date.now().toString(36);

// A clusterStability policy: a node whose 1-minute load is above `maxLoad1m` is unstable. It counts
// its checks and keeps a note, both reachable through its management commands.
const STABILITY_CODE = `import { definePolicy } from "@aios/policy-runtime";
export default definePolicy({
  kind: "clusterStability",
  init() {
    return { checks: 0, note: null };
  },
  eval(input, { state, settings }) {
    state.checks++;
    const max = Number(settings.maxLoad1m ?? 1000);
    const reasons = {};
    for (const n of input.nodesData) if ((n.load1m ?? 0) > max) reasons[n.id] = "load1m above " + max;
    const unstableNodes = Object.keys(reasons);
    return { isStable: unstableNodes.length === 0, unstableNodes, stabilityCheckData: { reasons } };
  },
  management(action, data, { state }) {
    if (action === "setNote") {
      state.note = data.note;
      return { ok: true };
    }
    return { checks: state.checks, note: state.note };
  },
});
`;
const THROWING_CODE = `import { definePolicy } from "@aios/policy-runtime";
export default definePolicy({
  kind: "clusterStability",
  init() { return {}; },
  eval() { throw new Error("no metrics backend"); },
});
`;
const DENY_CODE = `import { definePolicy } from "@aios/policy-runtime";
export default definePolicy({
  kind: "preCheck",
  init() { return {}; },
  eval(input) { return { allowed: false, reason: input.action + " is frozen" }; },
});
`;

const policy = (name: string, kind: string, code: string, extra: Record<string, unknown> = {}) =>
  doc("createPolicy", { name, version: "1.0.0", releaseTag: "stable", kind, code, ...extra });

describe.runIf(redisUrl)("the cluster's stability checker on its agent", () => {
  const api = useApiServer();
  const clusterId = `stab-${t}`;
  const nodeId = `${clusterId}-node`;
  const checker = (parameters: Record<string, unknown>, name = `stab-${t}`) => ({
    policyRuleURI: `${name}:1.0.0-stable`,
    parameters,
  });
  const spec = (stabilityChecker?: object, extra: Record<string, unknown> = {}) => ({
    id: clusterId,
    regionId: "eu-west",
    config: { publicHostname: "127.0.0.1", ...(stabilityChecker ? { stabilityChecker } : {}), ...extra },
  });
  const stability = async () =>
    (await api.caller().clusters.get({ id: clusterId })).doc.stability as
      | { ok: boolean; checkedAt: string; isStable?: boolean; unstableNodes?: string[]; error?: unknown }
      | undefined;
  /** The first verdict checked after `since` (so it reflects a change made before). */
  const verdictAfter = async (since: string) => {
    await waitUntil("a new stability verdict", async () => ((await stability())?.checkedAt ?? "") > since);
    // One more: a check already running at `since` may have read the cluster before the change.
    const first = (await stability())?.checkedAt ?? "";
    await waitUntil("another stability verdict", async () => ((await stability())?.checkedAt ?? "") > first);
    return stability();
  };
  let agent: AgentProcess;

  beforeAll(async () => {
    const apply = (document: unknown) => api.caller().parser.applySpec({ document });
    await apply(
      policy(`stab-${t}`, "clusterStability", STABILITY_CODE, {
        policySettings: { maxLoad1m: 1000 },
        managementCommandsSchema: [
          { name: "stats", schema: { type: "object" } },
          {
            name: "setNote",
            schema: { type: "object", properties: { note: { type: "string" } }, required: ["note"] },
          },
        ],
      }),
    );
    await apply(policy(`stab-throws-${t}`, "clusterStability", THROWING_CODE));
    await apply(policy(`stab-deny-${t}`, "preCheck", DENY_CODE));
    await apply(doc("createCluster", spec(checker({ maxLoad1m: 1000 }))));
    agent = startClusterAgent(api.url, clusterId, { AIOS_STABILITY_SECONDS: "0.3" });
    await waitUntil(
      "the agent to register",
      async () => (await api.services.nodes.list({ clusterId })).length === 1,
    );
  });
  afterAll(async () => {
    await agent?.stop();
  });

  it("stores the policy's verdict over the cluster's nodes on the cluster", async () => {
    const verdict = await verdictAfter(new Date().toISOString());
    expect(verdict).toMatchObject({
      ok: true,
      isStable: true,
      unstableNodes: [],
      policyRuleURI: `stab-${t}:1.0.0-stable`,
    });
    expect((await api.caller().nodes.get({ id: nodeId })).status).toBe("ready");
  });

  it("marks a node the policy calls unstable, and clears the mark when it is stable again", async () => {
    await api.caller().clusters.update({ id: clusterId, spec: spec(checker({ maxLoad1m: -1 })) });
    const verdict = await verdictAfter(new Date().toISOString());
    expect(verdict).toMatchObject({
      ok: true,
      isStable: false,
      unstableNodes: [nodeId],
      stabilityCheckData: { reasons: { [nodeId]: "load1m above -1" } },
    });
    expect((await api.caller().nodes.get({ id: nodeId })).status).toBe("unstable");
    // Heartbeats go on (every 0.5 s) without clearing the verdict.
    await new Promise((r) => setTimeout(r, 1200));
    expect((await api.caller().nodes.get({ id: nodeId })).status).toBe("unstable");

    await api.caller().clusters.update({ id: clusterId, spec: spec(checker({ maxLoad1m: 1000 })) });
    expect(await verdictAfter(new Date().toISOString())).toMatchObject({ ok: true, isStable: true });
    expect((await api.caller().nodes.get({ id: nodeId })).status).toBe("ready");
  });

  it("reports a failing policy as a failed check with its error, and the agent runs on", async () => {
    await api.caller().clusters.update({ id: clusterId, spec: spec(checker({}, `stab-throws-${t}`)) });
    const verdict = await verdictAfter(new Date().toISOString());
    expect(verdict).toMatchObject({
      ok: false,
      error: { kind: "runtime", message: expect.stringMatching(/no metrics backend/) },
    });
    expect(agent.child.exitCode).toBeNull();
    await api.caller().clusters.update({ id: clusterId, spec: spec(checker({ maxLoad1m: 1000 })) });
    expect(await verdictAfter(new Date().toISOString())).toMatchObject({ ok: true, isStable: true });
  });

  it("hands a management command to the policy on the agent and answers with its reply", async () => {
    const set = await api.caller().clusters.mgmt({
      clusterId,
      service: "stability_checker",
      action: "setNote",
      payload: { note: "maintenance at 6" },
    });
    expect(set).toEqual({ service: "stability_checker", status: 200, reply: { ok: true } });
    // The same warm instance as the checks: its state carries the note and the checks it counted.
    const stats = await api.caller().parser.applySpec({
      document: doc("executeMgmtCommand", {
        clusterId,
        service: "stability_checker",
        mgmtCommand: "stats",
        mgmtData: {},
      }),
    });
    expect(stats).toMatchObject({
      target: clusterId,
      result: { status: 200, reply: { note: "maintenance at 6", checks: expect.any(Number) } },
    });
    expect((stats.result as { reply: { checks: number } }).reply.checks).toBeGreaterThan(0);
  });

  it("refuses a command outside the policy's management-command schema before it reaches the agent", async () => {
    const unknown = await rejection(
      api.caller().clusters.mgmt({ clusterId, service: "stability_checker", action: "reboot" }),
    );
    expect(unknown.code).toBe("BAD_REQUEST");
    expect(unknown.message).toMatch(/invalid management command for stab-.*: action/);
    const badPayload = await rejection(
      api.caller().clusters.mgmt({
        clusterId,
        service: "stability_checker",
        action: "setNote",
        payload: { note: 6 },
      }),
    );
    expect(badPayload.code).toBe("BAD_REQUEST");
    expect(badPayload.message).toMatch(/payload/);
  });

  it("stops a command its cluster's cluster_mgmt pre-check denies", async () => {
    await api.caller().gateway.setPreCheckPolicy({
      action: "cluster_mgmt",
      policyRuleURI: `stab-deny-${t}:1.0.0-stable`,
      clusterId,
    });
    try {
      const denied = await rejection(
        api.caller().clusters.mgmt({ clusterId, service: "stability_checker", action: "stats" }),
      );
      expect(denied.code).toBe("FORBIDDEN");
      expect(denied.message).toBe(
        `cluster_mgmt denied by pre-check stab-deny-${t}:1.0.0-stable: cluster_mgmt is frozen`,
      );
    } finally {
      await api.caller().gateway.setPreCheckPolicy({ action: "cluster_mgmt", policyRuleURI: "", clusterId });
    }
  });

  it("takes a management command from the CLI", async () => {
    const out: string[] = [];
    const io = {
      out: (s: string) => out.push(s),
      err: (s: string) => out.push(s),
      env: { AIOS_API_URL: api.url },
    };
    const args = ["mgmt", "cluster", clusterId, "--service", "stability_checker", "--action", "stats"];
    expect(await cli(args, io)).toBe(0);
    expect(JSON.parse(out.join(""))).toMatchObject({ status: 200, reply: { note: "maintenance at 6" } });
  });
});
