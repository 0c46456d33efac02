import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { doc, useApiServer } from "../../../apps/api/test/harness";
import { runCli } from "./cli-io";

const examples = resolve(import.meta.dirname, "../../../examples/specs");
const EXAMPLE = JSON.stringify({ variable: "tags", operator: "==", value: "example" });

/** `aios get KIND --filter JSON --ranking URI [--ranking-settings JSON]` against a real API over HTTP. */
describe("aios get --ranking", () => {
  const api = useApiServer();
  const run = (args: string[]) => runCli(api.url, args);
  const uris = async (args: string[]) => {
    const r = await run([...args, "-o", "json"]);
    expect(r.code, r.err).toBe(0);
    return (JSON.parse(r.out) as Array<{ componentURI: string }>).map((c) => c.componentURI);
  };

  beforeAll(async () => {
    for (const file of ["components.json", "policies.json"])
      expect((await run(["apply", "-f", `${examples}/${file}`])).code).toBe(0);
    const dir = mkdtempSync(join(tmpdir(), "aios-cli-ranking-"));
    const spec = join(dir, "reverse.json");
    writeFileSync(
      spec,
      JSON.stringify(
        doc("createPolicy", {
          name: "cli-reverse",
          version: "1.0.0",
          releaseTag: "stable",
          kind: "ranking",
          code: `import { definePolicy } from "@aios/policy-runtime";
export default definePolicy({
  kind: "ranking",
  init() { return {}; },
  eval(input) { return { results: [...input.filterResult].reverse().slice(0, 3) }; },
});
`,
        }),
      ),
    );
    expect((await run(["apply", "-f", spec])).code).toBe(0);
  });

  it("prints the matches in the ranking policy's order, without those it dropped", async () => {
    const plain = await uris(["get", "components", "--filter", EXAMPLE]);
    expect(plain.length).toBeGreaterThan(3);
    const ranked = await uris([
      "get",
      "components",
      "--filter",
      EXAMPLE,
      "--ranking",
      "cli-reverse:1.0.0-stable",
    ]);
    expect(ranked).toEqual([...plain].reverse().slice(0, 3));
    // The example policy with the caller's settings: only the components tagged cpu.
    const cpu = await uris([
      "get",
      "components",
      "--filter",
      EXAMPLE,
      "--ranking",
      "rank-by-tags:1.0.0-stable",
      "--ranking-settings",
      '{"tags":["cpu"],"requireAll":true}',
    ]);
    expect(cpu.sort()).toEqual(["model.language-detect:1.0.0-stable", "model.text-sentiment:1.0.0-stable"]);
    const table = await run([
      "get",
      "components",
      "--filter",
      EXAMPLE,
      "--ranking",
      "cli-reverse:1.0.0-stable",
    ]);
    expect(table.code).toBe(0);
    const rows = table.out.split("\n").slice(1);
    expect(rows.map((line) => line.split(/\s+/)[0])).toEqual(ranked);
  });

  it("refuses --ranking it cannot use before calling the API (exit 2), and says what the API refused (exit 1)", async () => {
    const usage = async (args: string[], message: string) => {
      const r = await run(args);
      expect(r.code, r.err).toBe(2);
      expect(r.err.split("\n")[0]).toContain(message);
    };
    await usage(["get", "components", "--ranking", "cli-reverse:1.0.0-stable"], "give --filter too");
    await usage(
      ["get", "components", "--filter", EXAMPLE, "--ranking", "no version"],
      '--ranking: invalid URI "no version"',
    );
    await usage(
      ["get", "gpus", "--filter", EXAMPLE, "--ranking", "cli-reverse:1.0.0-stable"],
      "--ranking orders clusters, nodes, components, blocks, vdags, policies, not gpus",
    );
    await usage(
      ["get", "components", "--filter", EXAMPLE, "--ranking-settings", "{}"],
      "goes with --ranking",
    );
    await usage(
      [
        "get",
        "components",
        "--filter",
        EXAMPLE,
        "--ranking",
        "cli-reverse:1.0.0-stable",
        "--ranking-settings",
        "[1]",
      ],
      "--ranking-settings must be a JSON object",
    );
    const kind = await run([
      "get",
      "components",
      "--filter",
      EXAMPLE,
      "--ranking",
      "round-robin:1.0.0-stable",
    ]);
    expect(kind.code).toBe(1);
    expect(kind.err).toContain(
      "rankingPolicyRule.policyRuleURI: round-robin:1.0.0-stable is a loadBalancer policy, not ranking",
    );
    const missing = await run(["get", "components", "--filter", EXAMPLE, "--ranking", "absent:1.0.0-stable"]);
    expect(missing.code).toBe(1);
    expect(missing.err).toContain("absent:1.0.0-stable");
    expect(missing.err).toContain("rankingPolicyRule.policyRuleURI");
  });
});
