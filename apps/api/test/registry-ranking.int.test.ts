import { resolve } from "node:path";
import { fieldIssues, MAX_RANKING_ROWS } from "@aios/contracts";
import { loadSpecFile } from "@aios/contracts/files";
import { beforeAll, describe, expect, it } from "vitest";
import type { ZodError } from "zod";
import { doc, rejection, useApi } from "./harness";

const examples = resolve(import.meta.dirname, "../../../examples/specs");
const VIEWER = { role: "viewer" as const, scope: null, tokenId: null };
const EXAMPLE = { variable: "tags", operator: "==" as const, value: "example" };

/** A ranking policy whose eval body is `body` (input and settings in scope). */
const rankingPolicy = (name: string, body: string, extra: Record<string, unknown> = {}) =>
  doc("createPolicy", {
    name,
    version: "1.0.0",
    releaseTag: "stable",
    kind: "ranking",
    code: `import { definePolicy } from "@aios/policy-runtime";
export default definePolicy({
  kind: "ranking",
  init() { return {}; },
  eval(input, { settings }) { ${body} },
});
`,
    ...extra,
  });

const POLICIES = [
  // Best last: the registry's order reversed, without the entries tagged settings.drop.
  rankingPolicy(
    "reverse",
    `const kept = input.filterResult.filter((e) => !(e.tags ?? []).includes(settings.drop));
     return { results: kept.reverse() };`,
  ),
  // Answers keys alone: the caller gets its own records back.
  rankingPolicy(
    "keys-only",
    "return { results: input.filterResult.map((e) => ({ componentURI: e.componentURI })).reverse() };",
  ),
  rankingPolicy("invent", 'return { results: [{ componentURI: "tool.nope:9.9.9-stable" }] };'),
  rankingPolicy("keyless", 'return { results: [{ name: "echo" }] };'),
  rankingPolicy("twice", "return { results: [input.filterResult[0], input.filterResult[0]] };"),
  rankingPolicy("bad-shape", 'return { results: "best first" };'),
  rankingPolicy("throwing", 'throw new Error("ranking broke");'),
  // Only when the search met the cap: the last row it was handed.
  rankingPolicy(
    "last-if-truncated",
    "return { results: input.truncated ? input.filterResult.slice(-1) : [] };",
  ),
  // What it was told, as one entry's key.
  rankingPolicy(
    "echo-context",
    `return { results: input.registry === "components" && input.query.value === "example"
      ? input.filterResult.slice(0, 1) : [] };`,
  ),
];

describe("registry search with a ranking policy", () => {
  const api = useApi();
  let inKeyOrder: string[] = [];
  const uris = (rows: Array<{ componentURI: string }>) => rows.map((r) => r.componentURI);
  const search = (policyRuleURI: string, extra: Record<string, unknown> = {}) =>
    api.caller().components.search({ filter: EXAMPLE, rankingPolicyRule: { policyRuleURI, ...extra } });

  beforeAll(async () => {
    for (const file of ["components.json", "policies.json"])
      for (const { document } of loadSpecFile(resolve(examples, file)))
        await api.caller().parser.applySpec({ document });
    for (const document of POLICIES) await api.caller().parser.applySpec({ document });
    inKeyOrder = uris(await api.caller().components.search({ filter: EXAMPLE }));
    expect(inKeyOrder.length).toBeGreaterThanOrEqual(4);
  });

  it("orders the matches as the policy answers, drops what it leaves out, with the caller's settings", async () => {
    expect(uris(await search("reverse:1.0.0-stable"))).toEqual([...inKeyOrder].reverse());
    const withoutNlp = uris(await search("reverse:1.0.0-stable", { settings: { drop: "nlp" } }));
    expect(withoutNlp).toEqual(
      [...inKeyOrder].reverse().filter((u) => !u.includes("sentiment") && !u.includes("language")),
    );
    // The example ranking policy: the components tagged cpu first, the others after in key order.
    const byCpu = uris(await search("rank-by-tags:1.0.0-stable", { settings: { tags: ["cpu"] } }));
    expect(byCpu.slice(0, 2).sort()).toEqual([
      "model.language-detect:1.0.0-stable",
      "model.text-sentiment:1.0.0-stable",
    ]);
    expect(byCpu.slice(2)).toEqual(inKeyOrder.filter((u) => !byCpu.slice(0, 2).includes(u)));
    const cpuOnly = await search("rank-by-tags:1.0.0-stable", {
      settings: { tags: ["cpu"], requireAll: true },
    });
    expect(cpuOnly).toHaveLength(2);
  });

  it("gives back the registry's own records for the keys the policy answers, told the registry and the query", async () => {
    const full = await api.caller().components.search({ filter: EXAMPLE });
    const ranked = await search("keys-only:1.0.0-stable");
    expect(ranked).toEqual([...full].reverse());
    expect(uris(await search("echo-context:1.0.0-stable"))).toEqual(inKeyOrder.slice(0, 1));
  });

  it("cuts the page from the ranked list, and viewers may rank", async () => {
    const page = await api.caller(VIEWER).components.search({
      filter: EXAMPLE,
      rankingPolicyRule: { policyRuleURI: "reverse:1.0.0-stable" },
      limit: 2,
      offset: 1,
    });
    expect(uris(page)).toEqual([...inKeyOrder].reverse().slice(1, 3));
  });

  it("refuses a policy that is not a ranking policy, or not there, naming the field", async () => {
    const kind = await rejection(search("round-robin:1.0.0-stable"));
    expect(kind.code).toBe("BAD_REQUEST");
    expect(kind.message).toBe(
      "rankingPolicyRule.policyRuleURI: round-robin:1.0.0-stable is a loadBalancer policy, not ranking",
    );
    const missing = await rejection(search("nope:1.0.0-stable"));
    expect(missing.code).toBe("NOT_FOUND");
    expect(missing.message).toContain("(field rankingPolicyRule.policyRuleURI)");
    const uri = await rejection(search("not a uri"));
    expect(uri.code).toBe("BAD_REQUEST");
    expect(fieldIssues(uri.cause as ZodError, "(input)").map((i) => i.path)).toEqual([
      "rankingPolicyRule.policyRuleURI",
    ]);
    const settings = await rejection(search("rank-by-tags:1.0.0-stable", { settings: { colour: "red" } }));
    expect(settings.code).toBe("BAD_REQUEST");
    expect(settings.message).toContain("rankingPolicyRule.settings");
  });

  it("refuses an answer naming rows that did not match, rows twice, or no key, and a failed policy", async () => {
    const cases: Array<[string, string]> = [
      [
        "invent",
        `rankingPolicyRule: the ranking policy invent:1.0.0-stable answered results.0 with componentURI "tool.nope:9.9.9-stable", which is not among the ${inKeyOrder.length} matching components`,
      ],
      [
        "keyless",
        "rankingPolicyRule: the ranking policy keyless:1.0.0-stable answered results.0 without its componentURI",
      ],
      ["twice", "answered results.1: componentURI"],
      [
        "bad-shape",
        "rankingPolicyRule: the ranking policy bad-shape:1.0.0-stable failed: invalid_output error",
      ],
      ["throwing", "ranking broke"],
    ];
    for (const [name, message] of cases) {
      const err = await rejection(search(`${name}:1.0.0-stable`));
      expect(err.code, name).toBe("BAD_REQUEST");
      expect(err.message, name).toContain(message);
    }
    const shape = await rejection(search("bad-shape:1.0.0-stable"));
    expect(shape.message).toContain("output.results: expected an array, got string");
  });

  it("is refused by registries not kept as spec documents, rather than ignored", async () => {
    const err = await rejection(
      api.caller().gpus.search({
        filter: { variable: "modelName", operator: "LIKE", value: "*" },
        rankingPolicyRule: { policyRuleURI: "reverse:1.0.0-stable" },
      } as never),
    );
    expect(err.code).toBe("BAD_REQUEST");
    expect(err.message).toContain("rankingPolicyRule");
    expect(err.message).toContain("takes no ranking policy");
  });

  it(`hands the policy at most MAX_RANKING_ROWS (${MAX_RANKING_ROWS}) matches, the first in key order, saying so`, async () => {
    const ids = Array.from({ length: MAX_RANKING_ROWS + 5 }, (_, i) => `cap-${String(i).padStart(4, "0")}`);
    await api.database.db.cluster.createMany({ data: ids.map((id) => ({ id, doc: { id, tags: ["cap"] } })) });
    const filter = { variable: "tags", operator: "==" as const, value: "cap" };
    const ranked = await api.caller().clusters.search({
      filter,
      rankingPolicyRule: { policyRuleURI: "last-if-truncated:1.0.0-stable" },
    });
    expect(ranked.map((c) => c.id)).toEqual([ids[MAX_RANKING_ROWS - 1]]);
    // Under the cap the policy is told nothing was left out.
    const few = await api.caller().clusters.search({
      filter: { variable: "id", operator: "IN", value: ids.slice(0, 3) },
      rankingPolicyRule: { policyRuleURI: "last-if-truncated:1.0.0-stable" },
    });
    expect(few).toEqual([]);
  });
});
