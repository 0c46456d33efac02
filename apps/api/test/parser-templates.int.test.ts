import { resolve } from "node:path";
import { loadSpecFile } from "@aios/contracts/files";
import { beforeAll, describe, expect, it } from "vitest";
import type { UserError } from "../src/errors";
import { doc, rejection, useApi } from "./harness";

const examples = resolve(import.meta.dirname, "../../../examples");
const TEMPLATE = "one-model-service:1.0.0-stable";

/** A template that returns a document for another template: templates do not nest. */
const NESTING = `import { definePolicy } from "@aios/policy-runtime";
export default definePolicy({
  kind: "template",
  eval(input) {
    return { documents: [{ header: { templateUri: "${TEMPLATE}", action: "createBlock" }, body: { spec: { values: {} } } }] };
  },
});
`;

describe("Parser templates", () => {
  const api = useApi();
  const clusterId = `tpl-${Date.now().toString(36)}`;
  /** The example one-model service document, for this file's cluster, with `body` changes. */
  const service = (body: Record<string, unknown> = {}, parameters: Record<string, unknown> = {}) => {
    const [loaded] = loadSpecFile(resolve(examples, "templates/one-model-service.json"));
    const document = structuredClone(loaded?.document) as {
      header: { parameters: Record<string, unknown> };
      body: Record<string, unknown>;
    };
    Object.assign(document.header.parameters, { clusterId }, parameters);
    Object.assign(document.body, body);
    return document;
  };
  const applied = async () => ({
    components: (await api.caller().components.list()).map((c) => c.componentURI),
    blocks: (await api.caller().blocks.list()).map((b) => b.id),
    vdags: (await api.caller().vdags.list()).map((v) => v.vdagURI),
  });

  beforeAll(async () => {
    const policies = loadSpecFile(resolve(examples, "specs/policies.json"));
    for (const { document } of policies) {
      const name = (document as { body: { spec: { values: { name: string } } } }).body.spec.values.name;
      if (name === "one-model-service" || name === "round-robin")
        await api.caller().parser.applySpec({ document });
    }
    await api.caller().parser.applySpec({
      document: doc("createPolicy", {
        name: "nesting",
        version: "1.0.0",
        releaseTag: "stable",
        kind: "template",
        code: NESTING,
      }),
    });
    await api.caller().agents.register({
      clusterId,
      publicHostname: "127.0.0.1",
      node: {
        id: `${clusterId}-n1`,
        vcpus: 4,
        memoryMb: 8192,
        storageMb: 10_000,
        cpuModel: "test",
        gpus: [],
      },
    });
  });

  it("expands a one-model service into a component, a block and a one-node vDAG, and applies them", async () => {
    const r = await api.caller().parser.applySpec({ document: service() });
    expect(r.template?.templateUri).toBe(TEMPLATE);
    expect(r.template?.outcomes.map((o) => [o.action, o.target, o.created])).toEqual([
      ["registerComponent", "model.shout:1.0.0-stable", true],
      ["createBlock", "shout", true],
      ["createvDAG", "shout:1.0.0-stable", true],
    ]);
    expect(r).toMatchObject({ action: "createvDAG", target: "shout:1.0.0-stable", created: true });

    const db = api.database.db;
    const component = await db.component.findUnique({ where: { componentURI: "model.shout:1.0.0-stable" } });
    expect(component?.doc).toMatchObject({
      componentId: { name: "shout", version: "1.0.0", releaseTag: "stable" },
      componentType: "model",
      runtime: { entry: "examples/components/echo/index.ts" },
      componentParameters: { uppercase: true },
      componentMetadata: { template: TEMPLATE },
    });
    const block = await db.block.findUnique({ where: { id: "shout" } });
    expect(block).toMatchObject({
      componentURI: "model.shout:1.0.0-stable",
      clusterId,
      minInstances: 1,
      maxInstances: 3,
    });
    const vdag = await db.vdag.findUnique({ where: { vdagURI: "shout:1.0.0-stable" } });
    expect(vdag).toMatchObject({ vdagName: "shout", version: "1.0.0", releaseTag: "stable" });
    expect(vdag?.doc).toMatchObject({
      discoveryTags: ["one-model-service"],
      nodes: [{ spec: { values: { nodeLabel: "model", manualBlockId: "shout" } } }],
    });
    // One node, served by the block the template made.
    expect(vdag?.compiled).toMatchObject({ order: ["model"], nodes: { model: { blockId: "shout" } } });

    // Each document is audited as the Parser's action, naming the template it came from.
    const audit = await api.services.audit.recent(20);
    const fromTemplate = audit.filter(
      (e) => (e.decision as { templateUri?: string })?.templateUri === TEMPLATE,
    );
    expect(fromTemplate.map((e) => e.action).sort()).toEqual([
      "parser.createBlock",
      "parser.createvDAG",
      "parser.registerComponent",
    ]);

    const again = await api.caller().parser.applySpec({ document: service() });
    expect(again.created).toBe(false);
    expect(again.template?.outcomes.map((o) => o.created)).toEqual([false, false, false]);
  });

  it("expands without applying (parser.expand), and the policy dry run runs a template too", async () => {
    const before = await applied();
    const r = await api.caller().parser.expand({ document: service({ name: "preview" }) });
    expect(r.templateUri).toBe(TEMPLATE);
    expect(r.documents.map((d) => [d.header.templateUri, d.header.action])).toEqual([
      ["Parser/V1", "registerComponent"],
      ["Parser/V1", "createBlock"],
      ["Parser/V1", "createvDAG"],
    ]);
    expect(r.documents[1]?.body.spec.values).toMatchObject({ blockId: "preview", clusterId });
    expect(await applied()).toEqual(before);

    const input = { templateUri: TEMPLATE, document: service({ name: "dry" }), parameters: {} };
    const dry = await api.caller().policies.dryRun({ policyRuleURI: TEMPLATE, input });
    expect(dry).toMatchObject({ ok: true, valid: true, kind: "template" });
    expect((dry.output as { documents: unknown[] }).documents).toHaveLength(3);
    const bad = await api.caller().policies.dryRun({
      policyRuleURI: TEMPLATE,
      input: { ...input, document: service({ replicas: "two" }) },
    });
    expect(bad).toMatchObject({ ok: false, valid: false });
    expect(bad.validationErrors[0]).toEqual({
      path: "output.documents[1].body.spec.values.minInstances",
      message: "expected a number, got string",
    });
  });

  it("refuses an invalid expansion naming the template and the field, and creates nothing", async () => {
    const before = await applied();
    const err = await rejection(
      api.caller().parser.applySpec({ document: service({ name: "half", replicas: "two" }) }),
    );
    expect(err.code).toBe("BAD_REQUEST");
    expect(err.message).toBe(
      `template ${TEMPLATE} returned an invalid expansion: output.documents[1].body.spec.values.minInstances: expected a number, got string (and 1 more)`,
    );
    expect((err.cause as UserError).issues.map((i) => i.path)).toEqual([
      "output.documents[1].body.spec.values.minInstances",
      "output.documents[1].body.spec.values.maxInstances",
    ]);
    // The first document (the component) was valid: it is not created alone.
    expect(await applied()).toEqual(before);
  });

  it("refuses a template that returns another template's document (templates do not nest)", async () => {
    const before = await applied();
    const document = { header: { templateUri: "nesting:1.0.0-stable" }, body: {} };
    const err = await rejection(api.caller().parser.applySpec({ document }));
    expect(err.code).toBe("BAD_REQUEST");
    expect(err.message).toContain(
      `output.documents[0].header.templateUri: templates do not nest: a template returns "Parser/V1" documents, got "${TEMPLATE}"`,
    );
    expect(await applied()).toEqual(before);
  });

  it("names an unknown template, a policy of another kind, and bad header parameters", async () => {
    const unknown = await rejection(
      api.caller().parser.applySpec({ document: { header: { templateUri: "nope:1.0.0-stable" }, body: {} } }),
    );
    expect(unknown.code).toBe("NOT_FOUND");
    expect(unknown.message).toBe('template "nope:1.0.0-stable" was not found (field header.templateUri)');

    const wrongKind = await rejection(
      api
        .caller()
        .parser.expand({ document: { header: { templateUri: "round-robin:1.0.0-stable" }, body: {} } }),
    );
    expect(wrongKind.code).toBe("BAD_REQUEST");
    expect(wrongKind.message).toBe(
      'header.templateUri: round-robin:1.0.0-stable is a loadBalancer policy, not a template (a policy of kind "template")',
    );

    const badUri = await rejection(
      api.caller().parser.applySpec({ document: { header: { templateUri: "Custom/V2" }, body: {} } }),
    );
    expect(badUri.message).toMatch(/^invalid spec document: header\.templateUri: invalid URI "Custom\/V2"/);

    const parameters = await rejection(
      api.caller().parser.applySpec({ document: service({}, { maxReplicas: 0, colour: "red" }) }),
    );
    expect(parameters.code).toBe("BAD_REQUEST");
    expect(parameters.message).toContain(`invalid values for ${TEMPLATE}: header.parameters`);
  });

  it("says where a template failed, and validateSpec points at expand instead of running code", async () => {
    const err = await rejection(api.caller().parser.applySpec({ document: service({ name: "" }) }));
    expect(err.code).toBe("BAD_REQUEST");
    expect(err.message).toMatch(
      new RegExp(
        `^header\\.templateUri: template ${TEMPLATE} failed \\(runtime, line \\d+\\): Error: body\\.name: required`,
      ),
    );
    expect(await api.caller().parser.validateSpec({ document: service() })).toEqual({
      valid: false,
      errors: [
        {
          path: "header.templateUri",
          message:
            "names a template; validateSpec runs no code, so expand the document to check it (parser.expand, operators)",
        },
      ],
    });
  });
});
