import type { TAgentJoined, TApiTokenIssued } from "@aios/contracts";
import { beforeAll, describe, expect, it } from "vitest";
import { doc, useApiServer } from "./harness";
import { trpcOver } from "./trpc-http";

const t = Date.now().toString(36);
const CLUSTER_A = `jt-a-${t}`;
const CLUSTER_B = `jt-b-${t}`;
const BLOCK_A = `jt-blk-${t}`;

const registration = (clusterId: string, nodeId: string) => ({
  clusterId,
  publicHostname: "127.0.0.1",
  node: { id: nodeId, vcpus: 2, memoryMb: 2048, storageMb: 10_000, cpuModel: "Test CPU", gpus: [] },
});

/** A second cluster's agent joins with a one-time join token and reaches its own cluster only. */
describe("cluster join tokens, over HTTP in token mode", () => {
  const api = useApiServer({ auth: "token" });
  let trpc: ReturnType<typeof trpcOver>;
  let admin: string;
  let agentA: string;

  const joinToken = async (clusterId: string, extra: Record<string, unknown> = {}) => {
    const r = await trpc.mutation<TApiTokenIssued>("clusters.joinToken", { clusterId, ...extra }, admin);
    expect(r.status, JSON.stringify(r.error)).toBe(200);
    return r.data;
  };
  const join = (token: string, nodeId?: string) =>
    trpc.mutation<TAgentJoined>("agents.join", { joinToken: token, ...(nodeId ? { nodeId } : {}) });

  beforeAll(async () => {
    trpc = trpcOver(api.url);
    admin = (await api.services.tokens.issue({ name: "jt admin", role: "admin" })).token;
    agentA = (await api.services.tokens.issue({ name: "jt agent a", role: "agent", scope: CLUSTER_A })).token;
    expect(
      (await trpc.mutation("agents.register", registration(CLUSTER_A, `${CLUSTER_A}-n1`), agentA)).status,
    ).toBe(200);
    const db = api.database.db;
    await db.component.create({
      data: {
        componentURI: "model.jt:1.0.0-stable",
        componentType: "model",
        name: "jt",
        version: "1.0.0",
        releaseTag: "stable",
      },
    });
    await db.block.create({
      data: {
        id: BLOCK_A,
        componentURI: "model.jt:1.0.0-stable",
        clusterId: CLUSTER_A,
        status: "pending",
        desiredInstances: 1,
      },
    });
  });

  it("issues a join token to admins only, expiring in an hour unless told otherwise", async () => {
    const before = Date.now();
    const issued = await joinToken(CLUSTER_B);
    expect(issued).toMatchObject({ role: "join", scope: CLUSTER_B, revokedAt: null });
    const expiresIn = Date.parse(issued.expiresAt ?? "") - before;
    expect(expiresIn).toBeGreaterThanOrEqual(3_600_000);
    expect(expiresIn).toBeLessThan(3_600_000 + 60_000);
    const operator = (await api.services.tokens.issue({ name: "jt operator", role: "operator" })).token;
    expect((await trpc.mutation("clusters.joinToken", { clusterId: CLUSTER_B }, operator)).status).toBe(403);
    const bad = await trpc.mutation("clusters.joinToken", { clusterId: CLUSTER_B, expiresIn: "soon" }, admin);
    expect(bad.status).toBe(400);
    expect(bad.error?.data?.issues?.[0]?.path).toBe("expiresIn");
  });

  it("exchanges the join token once for an agent token that reaches its own cluster and node only", async () => {
    const issued = await joinToken(CLUSTER_B);
    // A join token does nothing but join.
    expect(
      (
        await trpc.query(
          "agents.work.desiredBlocks",
          { clusterId: CLUSTER_B, nodeId: `${CLUSTER_B}-n1` },
          issued.token,
        )
      ).status,
    ).toBe(403);
    expect((await trpc.query("clusters.list", {}, issued.token)).status).toBe(403);

    const joined = await join(issued.token, `${CLUSTER_B}-n1`);
    expect(joined.status, JSON.stringify(joined.error)).toBe(200);
    expect(joined.data).toMatchObject({ clusterId: CLUSTER_B, nodeId: `${CLUSTER_B}-n1` });
    const agentB = joined.data.token;

    const registered = await trpc.mutation(
      "agents.register",
      registration(CLUSTER_B, `${CLUSTER_B}-n1`),
      agentB,
    );
    expect(registered.status, JSON.stringify(registered.error)).toBe(200);
    const otherNode = await trpc.mutation(
      "agents.register",
      registration(CLUSTER_B, `${CLUSTER_B}-n2`),
      agentB,
    );
    expect([otherNode.status, otherNode.error?.message]).toEqual([
      403,
      `this agent token belongs to node ${CLUSTER_B}-n1, not ${CLUSTER_B}-n2`,
    ]);
    const own = await trpc.query<string[]>(
      "agents.work.desiredBlocks",
      { clusterId: CLUSTER_B, nodeId: `${CLUSTER_B}-n1` },
      agentB,
    );
    expect([own.status, own.data]).toEqual([200, []]);
    const ofA = await trpc.query<string[]>(
      "agents.work.desiredBlocks",
      { clusterId: CLUSTER_A, nodeId: `${CLUSTER_A}-n1` },
      agentA,
    );
    expect(ofA.data).toEqual([BLOCK_A]);
    // A node-bound agent token speaks for its own node only.
    const otherNodesWork = await trpc.query(
      "agents.work.desiredBlocks",
      { clusterId: CLUSTER_B, nodeId: `${CLUSTER_B}-n2` },
      agentB,
    );
    expect([otherNodesWork.status, otherNodesWork.error?.message]).toEqual([
      403,
      `this agent token belongs to node ${CLUSTER_B}-n1, not ${CLUSTER_B}-n2`,
    ]);

    // Cluster A's state is out of reach: its lists, its block, and reports about it.
    for (const path of ["desiredBlocks", "desiredFunctions", "desiredVdagControllers", "clusterStability"]) {
      const input =
        path === "desiredBlocks"
          ? { clusterId: CLUSTER_A, nodeId: `${CLUSTER_B}-n1` }
          : { clusterId: CLUSTER_A };
      const r = await trpc.query(`agents.work.${path}`, input, agentB);
      expect([path, r.status, r.error?.message]).toEqual([
        path,
        403,
        `this agent token belongs to cluster ${CLUSTER_B}, not ${CLUSTER_A}`,
      ]);
    }
    expect(
      (await trpc.query("agents.work.desiredBlock", { blockId: BLOCK_A, nodeId: `${CLUSTER_B}-n1` }, agentB))
        .status,
    ).toBe(403);
    const report = await trpc.mutation(
      "agents.work.reportBlock",
      { blockId: BLOCK_A, nodeId: `${CLUSTER_B}-n1`, executorEndpoint: null, instances: [] },
      agentB,
    );
    expect([report.status, report.error?.message]).toEqual([
      403,
      `block ${BLOCK_A} is on cluster ${CLUSTER_A}; this agent token belongs to cluster ${CLUSTER_B}`,
    ]);
    expect(
      (await trpc.mutation("agents.register", registration(CLUSTER_A, `${CLUSTER_B}-n1`), agentB)).status,
    ).toBe(403);
    expect(
      (await trpc.mutation("agents.heartbeat", { clusterId: CLUSTER_A, nodeId: `${CLUSTER_A}-n1` }, agentB))
        .status,
    ).toBe(403);

    // The join token was revoked by the exchange: a second use is refused.
    const again = await join(issued.token);
    expect([again.status, again.error?.message]).toEqual([
      403,
      "joinToken: this join token was used already (by as many nodes as it was issued for) or revoked; ask an admin for a new one",
    ]);
    const events = await api.database.db.auditEvent.findMany({ where: { action: "agents.join" } });
    expect(events.map((e) => e.target)).toContain(`${CLUSTER_B}/${CLUSTER_B}-n1`);
    expect(JSON.stringify(events.map((e) => e.input))).not.toContain(agentB);
  });

  it("lets only one of two concurrent exchanges of one join token win", async () => {
    const issued = await joinToken(CLUSTER_B);
    const answers = await Promise.all([join(issued.token), join(issued.token), join(issued.token)]);
    expect(answers.map((a) => a.status).sort()).toEqual([200, 403, 403]);
    const agents = await api.database.db.apiToken.count({ where: { role: "agent", scope: CLUSTER_B } });
    expect(agents).toBe(2);
  });

  it("lets a join token for 3 nodes join 3 agents, of which concurrent ones never more; a node joining again replaces its token", async () => {
    const cluster = `jt-m-${t}`;
    const issued = await joinToken(cluster, { nodes: 3 });
    expect(issued.name).toBe(`join ${cluster} (3 nodes)`);
    const first = await join(issued.token, `${cluster}-n1`);
    expect(first.status).toBe(200);
    // The node's agent lost its state and joins again: its first token is revoked.
    const again = await join(issued.token, `${cluster}-n1`);
    expect(again.status).toBe(200);
    expect(
      (await trpc.mutation("agents.register", registration(cluster, `${cluster}-n1`), first.data.token))
        .status,
    ).toBe(401);
    expect(
      (await trpc.mutation("agents.register", registration(cluster, `${cluster}-n1`), again.data.token))
        .status,
    ).toBe(200);
    // One use is left: of three agents joining at once, one gets it.
    const racing = await Promise.all([2, 3, 4].map((n) => join(issued.token, `${cluster}-n${n}`)));
    expect(racing.map((a) => a.status).sort()).toEqual([200, 403, 403]);
    expect(racing.find((a) => a.status === 403)?.error?.message).toMatch(/used already \(by as many nodes/);
    const row = await api.database.db.apiToken.findUniqueOrThrow({ where: { id: issued.id } });
    expect([row.usesLeft, row.revokedAt !== null]).toEqual([0, true]);
    const agents = await api.database.db.apiToken.findMany({ where: { role: "agent", scope: cluster } });
    expect(agents.filter((a) => a.revokedAt === null)).toHaveLength(2);
    const bad = await trpc.mutation("clusters.joinToken", { clusterId: cluster, nodes: 0 }, admin);
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.error)).toContain("nodes must be at least 1");
  });

  it("refuses an expired, a revoked or an unknown join token, and any other token", async () => {
    const expired = await api.services.tokens.issue({
      name: "jt expired",
      role: "join",
      scope: CLUSTER_B,
      expiresAt: new Date(Date.now() - 1000),
    });
    const r1 = await join(expired.token);
    expect(r1.status).toBe(403);
    expect(r1.error?.message).toMatch(/^joinToken: this join token expired at \d{4}-/);

    const revoked = await joinToken(CLUSTER_B);
    expect((await trpc.mutation("tokens.revoke", { id: revoked.id }, admin)).status).toBe(200);
    expect((await join(revoked.token)).error?.message).toBe(
      "joinToken: this join token was used already (by as many nodes as it was issued for) or revoked; ask an admin for a new one",
    );
    expect((await join("aios_unknown")).error?.message).toMatch(/^joinToken: not a join token/);
    expect((await join(admin)).error?.message).toMatch(/^joinToken: not a join token/);
  });

  it("still runs the gateway's add_cluster pre-check when the joined agent registers its cluster", async () => {
    const code = `import { definePolicy } from "@aios/policy-runtime";
export default definePolicy({ kind: "preCheck", init() { return {}; }, eval(input) { return { allowed: false, reason: "no new clusters" }; } });\n`;
    await api.caller().parser.applySpec({
      document: doc("createPolicy", {
        name: "jt-deny",
        version: "1.0.0",
        releaseTag: "stable",
        kind: "preCheck",
        description: "denies every action",
        code,
        policySettings: {},
        policyParameters: {},
      }),
    });
    await api
      .caller()
      .gateway.setPreCheckPolicy({ action: "add_cluster", policyRuleURI: "jt-deny:1.0.0-stable" });
    const cluster = `jt-c-${t}`;
    const joined = await join((await joinToken(cluster)).token);
    const r = await trpc.mutation(
      "agents.register",
      registration(cluster, `${cluster}-n1`),
      joined.data.token,
    );
    expect(r.status).toBe(403);
    expect(r.error?.message).toContain(
      "add_cluster denied by pre-check jt-deny:1.0.0-stable: no new clusters",
    );
    expect(await api.database.db.cluster.findUnique({ where: { id: cluster } })).toBeNull();
  });
});
