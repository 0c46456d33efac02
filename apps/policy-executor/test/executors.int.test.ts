import { randomBytes } from "node:crypto";
import { resolve } from "node:path";
import { loadSpecFile } from "@aios/contracts/files";
import { findFreePort } from "@aios/service-kit";
import { TRPCError } from "@trpc/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../../../packages/client/test/cli-io";
import { rejection, useApiServer } from "../../api/test/harness";
import { type ExecutorProcess, startExecutor } from "./executor-process";

const policies = resolve(import.meta.dirname, "../../../examples/specs/policies.json");
const LB = "least-loaded:1.0.0-stable";
const lbInput = {
  mode: "load_balance",
  packet: { session_id: "s", seq_no: 0, data: {}, ts: 0 },
  instances: [
    { id: "in-busy", inFlight: 3 },
    { id: "in-idle", inFlight: 0 },
  ],
};

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe("policy executors you deploy (execution type 2 on your own machine)", () => {
  const api = useApiServer();
  const executors: Record<string, ExecutorProcess> = {};
  const ports: Record<string, number> = {};
  const idOf = async (name: string) =>
    until(`executor ${name} healthy`, async () => {
      const e = (await api.caller().executors.list()).find((x) => x.name === name && x.status === "healthy");
      return e?.id;
    });

  beforeAll(async () => {
    for (const { document } of loadSpecFile(policies)) await api.caller().parser.applySpec({ document });
    for (const name of ["exec-a", "exec-b"]) {
      ports[name] = await findFreePort();
      executors[name] = startExecutor({
        AIOS_API_URL: api.url,
        AIOS_EXECUTOR_NAME: name,
        AIOS_EXECUTOR_GROUP: "gpu-side",
        AIOS_EXECUTOR_CAPACITY: "4",
        PORT: String(ports[name]),
      });
    }
  });
  afterAll(async () => {
    for (const e of Object.values(executors)) await e.kill();
  });

  it("registers, beats, and spreads a group's calls over its executors", async () => {
    const a = await idOf("exec-a");
    const b = await idOf("exec-b");
    const rec = await api.caller().executors.get({ id: a });
    // Its registration is audited, without the call token the API presents to it.
    const audit = await api.services.audit.list({ limit: 50 });
    const registered = audit.find(
      (e) => e.action === "executors.register" && (e.input as { name?: string } | null)?.name === "exec-a",
    );
    expect(registered?.input).toMatchObject({ name: "exec-a", callToken: "[redacted]" });
    expect(rec).toMatchObject({ group: "gpu-side", capacity: 4, url: `http://127.0.0.1:${ports["exec-a"]}` });

    const calls = await Promise.all(
      Array.from({ length: 8 }, () =>
        api.caller().policies.execute({ policyRuleURI: LB, input: lbInput, executorGroup: "gpu-side" }),
      ),
    );
    for (const r of calls) expect(r).toMatchObject({ ok: true, output: { instanceId: "in-idle" } });
    expect(new Set(calls.map((r) => r.executorId))).toEqual(new Set([a, b]));

    const pinned = await api.caller().policies.execute({ policyRuleURI: LB, input: lbInput, executorId: b });
    expect(pinned).toMatchObject({ ok: true, executorId: b });
    // Their counters come back with the next beat.
    await until("served counters", async () => {
      const list = await api.caller().executors.list({ group: "gpu-side" });
      const served = list.reduce((n, e) => n + e.served, 0);
      return served >= 9 ? served : undefined;
    });
  });

  it("lists them and runs a policy on them from the CLI", async () => {
    const a = await idOf("exec-a");
    const list = await runCli(api.url, ["executors", "list", "--group", "gpu-side"]);
    expect(list.code).toBe(0);
    expect(list.out).toMatch(new RegExp(`${a}\\s+exec-a\\s+gpu-side\\s+healthy`));
    const run = await runCli(api.url, [
      "policy",
      "execute",
      LB,
      "--input",
      JSON.stringify(lbInput),
      "--executor",
      a,
    ]);
    expect(run).toMatchObject({ code: 0, err: `ran on executor ${a}` });
    expect(JSON.parse(run.out)).toEqual({ instanceId: "in-idle" });
    const unknown = await runCli(api.url, ["executors", "get", "pex-nothere"]);
    expect(unknown.code).toBe(1);
    expect(unknown.err).toContain('policy executor "pex-nothere" was not found');
  });

  it("passes the policy's own failure through, and checks the values first", async () => {
    const b = await idOf("exec-b");
    const bad = await api.caller().policies.execute({ policyRuleURI: LB, input: { mode: 3 }, executorId: b });
    expect(bad.ok).toBe(false);
    expect(bad.error?.kind).toBe("invalid_input");
    expect(bad.executorId).toBe(b);
    const missing = await rejection(
      api.caller().policies.execute({ policyRuleURI: "no-such:1.0.0-stable", input: {}, executorId: b }),
    );
    expect(missing.code).toBe("NOT_FOUND");
    const both = await rejection(
      api
        .caller()
        .policies.execute({ policyRuleURI: LB, input: {}, executorId: b, executorGroup: "gpu-side" }),
    );
    expect(both.message).toContain("executorGroup");
    const nobody = await rejection(
      api.caller().policies.execute({ policyRuleURI: LB, input: lbInput, executorGroup: "empty" }),
    );
    expect(nobody.message).toContain('no healthy executor in the group "empty"');
  });

  it("answers only the API's call token", async () => {
    const url = `http://127.0.0.1:${ports["exec-a"]}`;
    const health = await fetch(`${url}/health`).then((r) => r.json());
    expect(health).toMatchObject({ status: "healthy", capacity: 4 });
    const anonymous = await fetch(`${url}/execute`, {
      method: "POST",
      body: JSON.stringify({ policyRuleURI: LB, input: lbInput }),
    });
    expect(anonymous.status).toBe(401);
    const guessed = await fetch(`${url}/execute`, {
      method: "POST",
      headers: { authorization: `Bearer ${randomBytes(32).toString("base64url")}` },
      body: JSON.stringify({ policyRuleURI: LB, input: lbInput }),
    });
    expect(guessed.status).toBe(401);
  });

  it("refuses a bad registration naming the field, and another token's executor", async () => {
    const bad = await rejection(
      api.caller().executors.register({ name: "x", url: "ftp://h/", capacity: 2, callToken: "t".repeat(40) }),
    );
    expect(bad.message).toContain("must be http or https, not ftp");
    expect(bad.message).toContain('"url"');
    const zero = await rejection(
      api
        .caller()
        .executors.register({ name: "x", url: "http://h:1", capacity: 0, callToken: "t".repeat(40) }),
    );
    expect(zero.message).toContain("capacity");
    const op = (tokenId: string) => api.caller({ role: "operator", scope: null, tokenId });
    await op("tok-1").executors.register({
      name: "owned",
      url: "http://127.0.0.1:9",
      capacity: 1,
      callToken: "t".repeat(40),
    });
    const taken = await rejection(
      op("tok-2").executors.register({
        name: "owned",
        url: "http://127.0.0.1:8",
        capacity: 1,
        callToken: "u".repeat(40),
      }),
    );
    expect(taken.code).toBe("FORBIDDEN");
    expect(taken.message).toContain("registered by another token");
  });

  it("does not take or call an executor at the API's own database or a cloud's metadata service", async () => {
    const database = new URL(api.database.url);
    const refusals: Record<string, string> = {
      [`http://${database.hostname}:${database.port}`]: `${database.hostname}:${database.port} is the API's database (DATABASE_URL)`,
      "http://169.254.169.254": "169.254.169.254 is a link-local (cloud metadata) address",
    };
    for (const [url, why] of Object.entries(refusals)) {
      const refused = await rejection(
        api.caller().executors.register({ name: "inner", url, capacity: 1, callToken: "t".repeat(40) }),
      );
      expect(refused.code).toBe("BAD_REQUEST");
      expect(refused.message).toContain(`url: ${why}`);
    }
    // One registered before the rule (its row changed here) is not called either: its connection is checked.
    const { id } = await api.caller().executors.register({
      name: "inner",
      url: "http://127.0.0.1:9",
      capacity: 1,
      callToken: "t".repeat(40),
    });
    await api.database.db.policyExecutor.update({ where: { id }, data: { url: "http://169.254.169.254" } });
    const refused = await rejection(
      api.caller().policies.execute({ policyRuleURI: LB, input: lbInput, executorId: id }),
    );
    expect(refused.message).toContain(
      `executor ${id} at http://169.254.169.254: 169.254.169.254 is a link-local (cloud metadata) address`,
    );
    await api.caller().executors.remove({ id });
  });

  it("passes over an executor that died, and registers a removed one again", async () => {
    const a = await idOf("exec-a");
    const b = await idOf("exec-b");
    await executors["exec-a"]?.kill();
    for (let i = 0; i < 4; i++) {
      const r = await api
        .caller()
        .policies.execute({ policyRuleURI: LB, input: lbInput, executorGroup: "gpu-side" });
      expect(r).toMatchObject({ ok: true, executorId: b });
    }
    const dead = await rejection(
      api.caller().policies.execute({ policyRuleURI: LB, input: lbInput, executorId: a }),
    );
    expect(dead.message).toContain("ECONNREFUSED");

    const removed = await api.caller().executors.remove({ id: b });
    expect(removed.name).toBe("exec-b");
    const gone = await api
      .caller()
      .policies.execute({ policyRuleURI: LB, input: lbInput, executorId: b })
      .then(
        () => null,
        (e: unknown) => e,
      );
    expect(gone).toBeInstanceOf(TRPCError);
    expect((gone as TRPCError).code).toBe("NOT_FOUND");
    // Its next beat finds it gone: it registers again under its name, with a new id.
    const again = await idOf("exec-b");
    expect(again).not.toBe(b);
    const r = await api.caller().policies.execute({ policyRuleURI: LB, input: lbInput, executorId: again });
    expect(r.ok).toBe(true);
  });
});
