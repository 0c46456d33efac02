import { resolve } from "node:path";
import { loadSpecFile } from "@aios/contracts/files";
import { beforeAll, describe, expect, it } from "vitest";
import { doc, rejection, useApi } from "./harness";

const examples = resolve(import.meta.dirname, "../../../examples/specs/policies.json");

const ROUND_ROBIN = `import { definePolicy } from "@aios/policy-runtime";
export default definePolicy({
  kind: "loadBalancer",
  init({ settings }) { return { next: Number(settings.start ?? 0) }; },
  eval(input, { state, log }) {
    log.info("choosing among " + input.instances.length);
    const chosen = input.instances[state.next++ % input.instances.length];
    return { instanceId: chosen.id };
  },
});
`;

const lbInput = {
  mode: "load_balance",
  packet: { session_id: "s", seq_no: 1, data: {}, ts: 0 },
  instances: [{ id: "in-aaaa" }, { id: "in-bbbb" }, { id: "in-cccc" }],
};

describe("policy system in the API", () => {
  const api = useApi();
  beforeAll(async () => {
    for (const { document } of loadSpecFile(examples)) await api.caller().parser.applySpec({ document });
  });

  it("stores every example policy, compiled, searchable by kind and tags", async () => {
    const all = await api.caller().policies.list({ limit: 100 });
    expect(all.length).toBe(loadSpecFile(examples).length);
    const lbs = await api.caller().policies.list({ kind: "loadBalancer" });
    expect(lbs.map((p) => p.policyRuleURI).sort()).toEqual([
      "least-loaded:1.0.0-stable",
      "round-robin:1.0.0-stable",
    ]);
    const tagged = await api
      .caller()
      .policies.search({ filter: { variable: "tags", operator: "==", value: "function" } });
    expect(tagged.map((p) => p.name).sort()).toEqual(["counter", "word-stats"]);
    const row = await api.database.db.policy.findUnique({
      where: { policyRuleURI: "round-robin:1.0.0-stable" },
    });
    expect(row?.compiled).toContain("definePolicy");
  });

  it("refuses code that does not compile, naming the line", async () => {
    const broken = doc("createPolicy", {
      name: "broken",
      version: "1.0.0",
      releaseTag: "stable",
      kind: "loadBalancer",
      code: ROUND_ROBIN.replace("return { instanceId: chosen.id };", "return { instanceId: chosen.id ;"),
    });
    const err = await rejection(api.caller().parser.applySpec({ document: broken }));
    expect(err.code).toBe("BAD_REQUEST");
    expect(err.message).toMatch(/body\.spec\.values\.code: compile error \(line 8, column \d+\)/);
  });

  it("refuses code whose kind is not the declared one", async () => {
    const wrong = doc("createPolicy", {
      name: "wrong",
      version: "1.0.0",
      releaseTag: "stable",
      kind: "autoscaler",
      code: ROUND_ROBIN,
    });
    const err = await rejection(api.caller().parser.applySpec({ document: wrong }));
    expect(err.message).toContain("the code defines a loadBalancer policy, not autoscaler");
  });

  it("dry-runs code: output, logs and validation; an invalid output names the field", async () => {
    const ok = await api
      .caller()
      .policies.dryRun({ code: ROUND_ROBIN, input: lbInput, settings: { start: 1 } });
    expect(ok).toMatchObject({
      ok: true,
      kind: "loadBalancer",
      valid: true,
      output: { instanceId: "in-bbbb" },
    });
    expect(ok.logs).toEqual([{ level: "info", message: "choosing among 3" }]);

    const bad = await api.caller().policies.dryRun({
      code: ROUND_ROBIN.replace("{ instanceId: chosen.id }", "{ instanceId: 42 }"),
      input: lbInput,
    });
    expect(bad.ok).toBe(false);
    expect(bad.valid).toBe(false);
    expect(bad.validationErrors).toContainEqual({
      path: "output.instanceId",
      message: "expected a string, got number",
    });

    const thrown = await api.caller().policies.dryRun({
      code: ROUND_ROBIN.replace(
        'log.info("choosing among " + input.instances.length);',
        'throw new Error("no way");',
      ),
      input: lbInput,
    });
    expect(thrown.error).toMatchObject({
      kind: "runtime",
      message: expect.stringContaining("no way"),
      line: 6,
    });
  });

  it("dry-runs a stored policy with the caller's settings overriding its defaults", async () => {
    const r = await api.caller().policies.dryRun({
      policyRuleURI: "max-blocks-per-cluster:1.0.0-stable",
      input: {
        action: "add_block",
        blockData: {
          id: "blk-new",
          blockComponentURI: "model.echo:1.0.0-stable",
          minInstances: 1,
          maxInstances: 1,
        },
        clusterData: { id: "c-1" },
        clusterBlocks: ["blk-old"],
      },
      settings: { maxBlocks: 1 },
    });
    expect(r.error).toBeUndefined();
    expect(r.output).toEqual({
      allowed: false,
      reason: "cluster c-1 already runs 1 block(s), the limit is 1",
    });
  });

  it("executes a stored policy statelessly (execution type 2)", async () => {
    const first = await api
      .caller()
      .policies.execute({ policyRuleURI: "round-robin:1.0.0-stable", input: lbInput });
    const second = await api
      .caller()
      .policies.execute({ policyRuleURI: "round-robin:1.0.0-stable", input: lbInput });
    expect(first.ok && second.ok).toBe(true);
    expect(second.output).toEqual(first.output); // fresh state each call
    const missing = await rejection(
      api.caller().policies.execute({ policyRuleURI: "nope:1.0.0-stable", input: {} }),
    );
    expect(missing.code).toBe("NOT_FOUND");
    // A policy not found is looked up again: created since, it runs.
    await api.caller().parser.applySpec({
      document: doc("createPolicy", {
        name: "nope",
        version: "1.0.0",
        releaseTag: "stable",
        kind: "loadBalancer",
        code: ROUND_ROBIN,
      }),
    });
    const created = await api
      .caller()
      .policies.execute({ policyRuleURI: "nope:1.0.0-stable", input: lbInput });
    expect(created.ok && created.output).toEqual(first.output);
  });

  it("creates a new version from an existing one; versions are immutable", async () => {
    const v2 = await api.caller().policies.createVersion({
      policyRuleURI: "counter:1.0.0-stable",
      version: "1.1.0",
      policySettings: { step: 2 },
    });
    expect(v2).toMatchObject({
      created: true,
      policy: { policyRuleURI: "counter:1.1.0-stable", kind: "function" },
    });
    const audit = await api.services.audit.recent(5);
    expect(audit.find((e) => e.action === "policies.createVersion")?.input).toMatchObject({
      version: "1.1.0",
    });
    const versions = await api.caller().policies.versions({ name: "counter" });
    expect(versions.map((v) => v.policyRuleURI)).toEqual(["counter:1.1.0-stable", "counter:1.0.0-stable"]);
    const clash = await rejection(
      api.caller().policies.createVersion({
        policyRuleURI: "counter:1.0.0-stable",
        version: "1.1.0",
        policySettings: { step: 3 },
      }),
    );
    expect(clash.code).toBe("CONFLICT");
  });
});
