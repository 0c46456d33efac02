import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { clusterQueueName, fieldIssues } from "@aios/contracts";
import { beforeAll, describe, expect, it } from "vitest";
import { UserError } from "../src/errors";
import { doc, rejection, useApiServer } from "./harness";

const examples = resolve(import.meta.dirname, "../../../examples/specs");

/** A load balancer whose settings, parameters and commands are declared. */
const LIMITER = {
  name: "limiter",
  version: "1.0.0",
  releaseTag: "stable",
  kind: "loadBalancer" as const,
  code: `import { definePolicy } from "@aios/policy-runtime";
export default definePolicy({
  kind: "loadBalancer",
  eval(input, { settings }) {
    return { instanceId: input.instances[Number(settings.maxRequests) % input.instances.length].id };
  },
  management(action, data) { return { action, data }; },
});
`,
  policySettingsSchema: {
    type: "object",
    properties: { maxRequests: { type: "integer", minimum: 1 }, mode: { enum: ["fast", "safe"] } },
    additionalProperties: false,
  },
  policyParametersSchema: { type: "object", properties: { region: { type: "string" } } },
  policySettings: { maxRequests: 2 },
  managementCommandsSchema: [
    {
      name: "setLimit",
      schema: {
        type: "object",
        properties: { limit: { type: "integer", minimum: 0 } },
        required: ["limit"],
      },
    },
    { name: "reset" },
  ],
};

const lbInput = {
  mode: "load_balance",
  packet: { session_id: "s", seq_no: 1, data: {}, ts: 0 },
  instances: [{ id: "in-aaaa" }, { id: "in-bbbb" }, { id: "in-cccc" }],
};

/** The field issues a call was refused with (the API's validation error). */
async function issuesOf(p: Promise<unknown>) {
  const err = await rejection(p);
  expect(err.code).toBe("BAD_REQUEST");
  if (err.cause instanceof UserError) return err.cause.issues;
  // A procedure's input refused by zod: the issues as the API's formatter sends them.
  return fieldIssues(
    err.cause as unknown as { issues: Array<{ path: PropertyKey[]; message: string }> },
    "(input)",
  );
}

describe("policies hold their callers to their schemas", () => {
  const api = useApiServer();
  const clusterId = `pc-${Date.now().toString(36)}`;

  beforeAll(async () => {
    await api.caller().policies.create({ values: LIMITER });
    await api.caller().parser.applySpec({
      document: doc("createCluster", { id: clusterId, config: { publicHostname: "127.0.0.1" } }),
    });
    const components = JSON.parse(readFileSync(resolve(examples, "components.json"), "utf8")) as unknown[];
    for (const document of components) await api.caller().parser.applySpec({ document });
  });

  it("refuses to create a policy whose defaults break its schema, naming the field", async () => {
    const bad = { ...LIMITER, name: "limiter-bad", policySettings: { maxRequests: 0 } };
    expect(await issuesOf(api.caller().parser.applySpec({ document: doc("createPolicy", bad) }))).toEqual([
      { path: "body.spec.values.policySettings.maxRequests", message: "must be an integer >= 1, got 0" },
    ]);
    expect(await issuesOf(api.caller().policies.create({ values: bad }))).toEqual([
      { path: "values.policySettings.maxRequests", message: "must be an integer >= 1, got 0" },
    ]);
    expect(await api.caller().policies.versions({ name: "limiter-bad" })).toEqual([]);
  });

  it("lets a new version change its schemas, checked the same way", async () => {
    const schema = { type: "object", properties: { maxRequests: { type: "integer", minimum: 5 } } };
    expect(
      await issuesOf(
        api.caller().policies.createVersion({
          policyRuleURI: "limiter:1.0.0-stable",
          version: "1.1.0",
          policySettingsSchema: schema,
        }),
      ),
    ).toEqual([{ path: "policySettings.maxRequests", message: "must be an integer >= 5, got 2" }]);
    const v2 = await api.caller().policies.createVersion({
      policyRuleURI: "limiter:1.0.0-stable",
      version: "1.1.0",
      policySettingsSchema: schema,
      policySettings: { maxRequests: 5 },
      managementCommandsSchema: [{ name: "flush" }],
    });
    expect(v2.policy.doc).toMatchObject({
      policySettingsSchema: schema,
      managementCommandsSchema: [{ name: "flush" }],
    });
  });

  it("refuses execute, dryRun and submitJob with a bad setting, before anything runs or is queued", async () => {
    const uri = "limiter:1.0.0-stable";
    expect(
      await issuesOf(
        api.caller().policies.execute({ policyRuleURI: uri, input: lbInput, settings: { maxRequests: 0 } }),
      ),
    ).toEqual([{ path: "settings.maxRequests", message: "must be an integer >= 1, got 0" }]);
    expect(
      await issuesOf(
        api.caller().policies.dryRun({ policyRuleURI: uri, input: lbInput, settings: { mode: "slow" } }),
      ),
    ).toEqual([{ path: "settings.mode", message: 'must be one of "fast", "safe", got "slow"' }]);
    expect(
      await issuesOf(
        api
          .caller()
          .policies.submitJob({ policyRuleURI: uri, clusterId, input: lbInput, parameters: { region: 1 } }),
      ),
    ).toEqual([{ path: "parameters.region", message: "must be a string, got number" }]);
    expect(await api.caller().policies.jobs({ policyRuleURI: uri })).toEqual([]);
    // Good values still run, the caller's over the defaults.
    const ok = await api
      .caller()
      .policies.execute({ policyRuleURI: uri, input: lbInput, settings: { maxRequests: 4 } });
    expect(ok.output).toEqual({ instanceId: "in-bbbb" });
  });

  it("gives the issues over HTTP in error.data.issues", async () => {
    const res = await fetch(`${api.url}/trpc/policies.execute`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ policyRuleURI: "limiter:1.0.0-stable", input: lbInput, settings: { other: 1 } }),
    });
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: { data: { issues: unknown[] } } };
    expect(body.error.data.issues).toEqual([
      { path: "settings.other", message: "unknown field; known: maxRequests, mode" },
    ]);
  });

  it("refuses a block spec with a bad load-balancer setting, storing and queueing nothing", async () => {
    const spec = (settings: Record<string, unknown>) =>
      doc("createBlock", {
        blockComponentURI: "model.echo:1.0.0-stable",
        blockId: "limited-echo",
        clusterId,
        minInstances: 1,
        maxInstances: 1,
        policyRulesSpec: [
          { values: { name: "loadBalancer", policyRuleURI: "limiter:1.0.0-stable", settings } },
        ],
      });
    expect(
      await issuesOf(api.caller().parser.applySpec({ document: spec({ maxRequests: "many" }) })),
    ).toEqual([
      {
        path: "body.spec.values.policyRulesSpec[0].values.settings.maxRequests",
        message: "must be an integer >= 1, got string",
      },
    ]);
    expect(await api.database.db.block.findUnique({ where: { id: "limited-echo" } })).toBeNull();
    expect(
      await api.queues.queue(clusterQueueName(clusterId)).getJob("block.reconcile__limited-echo__1"),
    ).toBeFalsy();
    const created = await api.caller().parser.applySpec({ document: spec({ mode: "safe" }) });
    expect(created.created).toBe(true);
  });

  it("refuses a management command the policy does not declare, or with bad data, naming the field", async () => {
    expect(
      await issuesOf(
        api
          .caller()
          .blocks.serviceMgmt({ id: "limited-echo", service: "executor", action: "drop", data: {} }),
      ),
    ).toEqual([
      { path: "action", message: 'unknown command "drop"; the policy\'s commands: setLimit, reset' },
    ]);
    expect(
      await issuesOf(
        api.caller().parser.applySpec({
          document: doc("executeMgmtCommand", {
            blockId: "limited-echo",
            service: "executor",
            mgmtCommand: "setLimit",
            mgmtData: { limit: -1 },
          }),
        }),
      ),
    ).toEqual([{ path: "body.spec.values.mgmtData.limit", message: "must be an integer >= 0, got -1" }]);
    await api.caller().functions.deploy({
      name: "limiter-fn",
      policyRuleURI: "limiter:1.0.0-stable",
      clusterId,
      settings: { mode: "fast" },
    });
    expect(
      await issuesOf(api.caller().functions.management({ name: "limiter-fn", action: "setLimit", data: {} })),
    ).toEqual([{ path: "data.limit", message: "Required" }]);
  });

  it("refuses to deploy a function with bad settings", async () => {
    expect(
      await issuesOf(
        api.caller().functions.deploy({
          name: "limiter-bad-fn",
          policyRuleURI: "limiter:1.0.0-stable",
          clusterId,
          settings: { maxRequests: 1.5 },
        }),
      ),
    ).toEqual([{ path: "settings.maxRequests", message: "must be an integer >= 1, got 1.5" }]);
    expect(await api.database.db.policyFunction.findUnique({ where: { name: "limiter-bad-fn" } })).toBeNull();
  });
});
