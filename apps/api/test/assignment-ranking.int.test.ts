import { resolve } from "node:path";
import { loadSpecFile } from "@aios/contracts/files";
import { beforeAll, describe, expect, it } from "vitest";
import { doc, rejection, reportPlaced, useApi } from "./harness";

const examples = resolve(import.meta.dirname, "../../../examples/specs");
const AT = "body.spec.values.nodes.0.spec.values.assignmentPolicyRule";

const policy = (name: string, kind: string, body: string) =>
  doc("createPolicy", {
    name,
    version: "1.0.0",
    releaseTag: "stable",
    kind,
    code: `import { definePolicy } from "@aios/policy-runtime";
export default definePolicy({
  kind: ${JSON.stringify(kind)},
  init() { return {}; },
  eval(input, { settings }) { ${body} },
});
`,
  });

/**
 * A vDAG node's assignment through a ranked search: `assignmentPolicyRule.parameters.rankingPolicyRule`
 * orders (and narrows) the running blocks its filterRule matches before the assignment policy
 * chooses among them.
 */
describe("vDAG node assignment with a ranking policy", () => {
  const api = useApi();
  const clusterId = `ar-${Date.now().toString(36)}`;
  const agent = { role: "agent" as const, scope: clusterId, tokenId: null };
  const BLOCKS = ["ar-a", "ar-b", "ar-c"];

  /** createvDAG of one node assigned by `first-candidate`, ranked by `ranking` when given. */
  const apply = (vdagName: string, ranking?: unknown, mode?: string) =>
    api.caller().parser.applySpec({
      document: doc("createvDAG", {
        vdagName,
        ...(mode ? { mode } : {}),
        nodes: [
          {
            spec: {
              values: {
                nodeLabel: "x",
                assignmentPolicyRule: {
                  policyRuleURI: "first-candidate:1.0.0-stable",
                  parameters: {
                    filterRule: { variable: "id", operator: "IN", value: BLOCKS },
                    ...(ranking === undefined ? {} : { rankingPolicyRule: ranking }),
                  },
                },
              },
            },
          },
        ],
        graph: { connections: [] },
      }),
    });
  const assigned = async (ranking?: unknown) => {
    const r = await apply("ranked", ranking, "dryRunAssignment");
    return (r.result as { assignment: Record<string, { blockId: string }> }).assignment.x?.blockId;
  };

  beforeAll(async () => {
    for (const file of ["components.json", "policies.json"])
      for (const { document } of loadSpecFile(resolve(examples, file)))
        await api.caller().parser.applySpec({ document });
    for (const document of [
      policy("first-candidate", "assignment", "return { blockId: input.filterResult[0].id };"),
      // Best last; settings.drop: a block id left out.
      policy(
        "reverse-blocks",
        "ranking",
        `if (input.registry !== "blocks" || !input.filterResult.every((b) => b.metrics)) throw new Error("not candidates");
         return { results: input.filterResult.filter((b) => b.id !== settings.drop).reverse() };`,
      ),
      policy("drop-all", "ranking", "return { results: [] };"),
      policy("stranger", "ranking", 'return { results: [{ id: "blk-elsewhere" }] };'),
    ])
      await api.caller().parser.applySpec({ document });
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
    for (const [i, blockId] of BLOCKS.entries()) {
      await api.caller().parser.applySpec({
        document: doc("createBlock", {
          // A block carries its component's tags: ar-c's are the sentiment model's (cpu among them).
          blockComponentURI: i === 2 ? "model.text-sentiment:1.0.0-stable" : "model.echo:1.0.0-stable",
          blockId,
          clusterId,
          minInstances: 1,
          maxInstances: 1,
        }),
      });
      await reportPlaced(api.caller(agent), blockId, `${clusterId}-n1`, {
        executorEndpoint: `http://127.0.0.1:${7100 + i}`,
        health: "healthy",
      });
    }
  });

  it("hands the assignment policy the candidates in the ranking's order, without those it dropped", async () => {
    expect(await assigned()).toBe("ar-a");
    expect(await assigned({ policyRuleURI: "reverse-blocks:1.0.0-stable" })).toBe("ar-c");
    expect(await assigned({ policyRuleURI: "reverse-blocks:1.0.0-stable", settings: { drop: "ar-c" } })).toBe(
      "ar-b",
    );
    // The example ranking policy: the block tagged cpu first.
    expect(await assigned({ policyRuleURI: "rank-by-tags:1.0.0-stable", settings: { tags: ["cpu"] } })).toBe(
      "ar-c",
    );
  });

  it("creates the vDAG with the ranked choice", async () => {
    const r = await apply("ranked-created", { policyRuleURI: "reverse-blocks:1.0.0-stable" });
    expect(r.result).toMatchObject({ doc: { assignment: { x: { blockId: "ar-c", by: "policy" } } } });
    const { vdagURI } = r.result as { vdagURI: string };
    expect((await api.caller().vdags.get({ vdagURI })).doc.assignment).toMatchObject({
      x: { blockId: "ar-c" },
    });
  });

  it("refuses a wrong ranking rule naming its field, and stores nothing", async () => {
    const cases: Array<[unknown, string, string]> = [
      [
        { policyRuleURI: "round-robin:1.0.0-stable" },
        "BAD_REQUEST",
        `${AT}.parameters.rankingPolicyRule.policyRuleURI: round-robin:1.0.0-stable is a loadBalancer policy, not ranking`,
      ],
      [
        { policyRuleURI: "nope:1.0.0-stable" },
        "NOT_FOUND",
        `(field ${AT}.parameters.rankingPolicyRule.policyRuleURI)`,
      ],
      ["reverse-blocks:1.0.0-stable", "BAD_REQUEST", `${AT}.parameters.rankingPolicyRule`],
      [
        { policyRuleURI: "drop-all:1.0.0-stable" },
        "BAD_REQUEST",
        `${AT}.parameters.rankingPolicyRule: the ranking policy drop-all:1.0.0-stable dropped every block matching node x's filterRule`,
      ],
      [
        { policyRuleURI: "stranger:1.0.0-stable" },
        "BAD_REQUEST",
        'answered results.0 with id "blk-elsewhere", which is not among the 3 matching blocks',
      ],
    ];
    for (const [ranking, code, message] of cases) {
      const err = await rejection(apply("refused", ranking));
      expect(err.code, message).toBe(code);
      expect(err.message).toContain(message);
    }
    expect(await api.database.db.vdag.count({ where: { vdagName: "refused" } })).toBe(0);
  });
});
