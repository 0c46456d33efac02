import { existsSync, mkdtempSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createApiClient } from "@aios/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { useApiServer } from "../../api/test/harness";
import { agentToken, keptTokenFile } from "../src/agent-identity";
import { agentStateDir, startClusterAgent } from "./agent-process";

const t = Date.now().toString(36);
const redisUrl = process.env.AIOS_TEST_REDIS_URL ?? "";

describe("an agent's identity from a cluster join token (AIOS_JOIN_TOKEN)", () => {
  const api = useApiServer({ auth: "token" });
  let home: string;
  const joinTokenFor = async (clusterId: string) =>
    (await api.services.joinTokens.issue({ clusterId })).token;
  const options = (clusterId: string, joinToken?: string) => ({
    home,
    clusterId,
    nodeId: `${clusterId}-n1`,
    joinToken,
    join: (token: string, nodeId: string) =>
      createApiClient({ url: api.url }).agents.join.mutate({ joinToken: token, nodeId }),
  });

  beforeAll(() => {
    home = mkdtempSync(join(tmpdir(), "aios-agent-identity-"));
  });

  it("exchanges the join token once and keeps the agent token in a 0600 file for the next start", async () => {
    const clusterId = `ai-a-${t}`;
    const joinToken = await joinTokenFor(clusterId);
    const token = await agentToken(options(clusterId, joinToken));
    expect(token).toMatch(/^aios_/);
    const file = keptTokenFile(home, clusterId);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(join(home, "agent", clusterId)).mode & 0o077).toBe(0);
    expect(JSON.parse(readFileSync(file, "utf8"))).toMatchObject({
      token,
      clusterId,
      nodeId: `${clusterId}-n1`,
    });
    const row = await api.database.db.apiToken.findFirstOrThrow({
      where: { role: "agent", scope: clusterId },
    });
    expect(row.scopes).toEqual([`node:${clusterId}-n1`]);

    // A restart with the same (now used) join token, or with none, takes the kept token.
    await expect(agentToken(options(clusterId, joinToken))).resolves.toBe(token);
    await expect(agentToken(options(clusterId))).resolves.toBe(token);
    // AIOS_AGENT_TOKEN wins over both.
    await expect(agentToken({ ...options(clusterId, joinToken), agentToken: "aios_given" })).resolves.toBe(
      "aios_given",
    );
  });

  it("keeps the token in its store too: a new machine of the node (its home empty) takes it from there", async () => {
    const clusterId = `ai-s-${t}`;
    const joinToken = await joinTokenFor(clusterId);
    let held: unknown = null;
    const store = {
      where: "the test's store",
      read: async () => held,
      write: async (kept: unknown) => {
        held = kept;
      },
    };
    const token = await agentToken({ ...options(clusterId, joinToken), store });
    expect(held).toMatchObject({ token, clusterId });
    // The agent's pod replaced: a fresh home; the join token is used up, the store still has it.
    const freshHome = mkdtempSync(join(tmpdir(), "aios-agent-identity-new-"));
    await expect(agentToken({ ...options(clusterId, joinToken), home: freshHome, store })).resolves.toBe(
      token,
    );
    expect(JSON.parse(readFileSync(keptTokenFile(freshHome, clusterId), "utf8"))).toMatchObject({ token });
    expect(await api.database.db.apiToken.count({ where: { role: "agent", scope: clusterId } })).toBe(1);
    // Something else in the store is refused, saying where.
    held = { not: "a token" };
    const another = mkdtempSync(join(tmpdir(), "aios-agent-identity-bad-"));
    await expect(agentToken({ ...options(clusterId, joinToken), home: another, store })).rejects.toThrow(
      "the test's store: not a kept agent token; remove it to join again",
    );
  });

  it("joins anew when given another join token, and says why a refused one was refused", async () => {
    const clusterId = `ai-b-${t}`;
    const first = await agentToken(options(clusterId, await joinTokenFor(clusterId)));
    const second = await agentToken(options(clusterId, await joinTokenFor(clusterId)));
    expect(second).not.toBe(first);
    const revoked = await api.services.joinTokens.issue({ clusterId });
    await api.services.tokens.revoke(revoked.id);
    await expect(agentToken(options(`ai-c-${t}`, revoked.token))).rejects.toThrow(
      "AIOS_JOIN_TOKEN was not accepted: joinToken: this join token was used already (by as many nodes as it was issued for) or revoked",
    );
    expect(existsSync(keptTokenFile(home, `ai-c-${t}`))).toBe(false);
  });

  it("refuses a join token of another cluster than AIOS_CLUSTER_ID, naming both", async () => {
    const joinToken = await joinTokenFor(`ai-d-${t}`);
    await expect(agentToken(options(`ai-e-${t}`, joinToken))).rejects.toThrow(
      `AIOS_JOIN_TOKEN joins cluster ai-d-${t}, but AIOS_CLUSTER_ID is ai-e-${t}: start the agent with AIOS_CLUSTER_ID=ai-d-${t}`,
    );
    // Kept under the cluster it joined, so starting there with the same join token works.
    await expect(agentToken(options(`ai-d-${t}`, joinToken))).resolves.toMatch(/^aios_/);
  });

  describe.runIf(redisUrl)("the agent process", () => {
    const clusterId = `ai-proc-${t}`;
    const nodeId = `${clusterId}-node`;
    let agent: ReturnType<typeof startClusterAgent> | undefined;
    afterAll(async () => {
      await agent?.stop();
    });

    it("joins with AIOS_JOIN_TOKEN, registers its cluster, and restarts with the kept token", async () => {
      const joinToken = await joinTokenFor(clusterId);
      const env = { AIOS_AUTH: "token", AIOS_JOIN_TOKEN: joinToken };
      agent = startClusterAgent(api.url, clusterId, env);
      await expect
        .poll(() => api.services.nodes.list({ clusterId }).then((n) => n.length), { timeout: 30_000 })
        .toBe(1);
      expect(statSync(join(agentStateDir(clusterId), "agent-token.json")).mode & 0o777).toBe(0o600);
      expect(await agent.stop()).toBe(0);

      // The join token is spent: the restarted agent works with the token it kept.
      const seen = (await api.services.nodes.get(nodeId)).lastSeenAt;
      agent = startClusterAgent(api.url, clusterId, env);
      await expect
        .poll(async () => (await api.services.nodes.get(nodeId)).lastSeenAt, { timeout: 30_000 })
        .not.toEqual(seen);
      expect(agent.child.exitCode).toBeNull();
      expect(await api.database.db.apiToken.count({ where: { role: "agent", scope: clusterId } })).toBe(1);
    });
  });
});
