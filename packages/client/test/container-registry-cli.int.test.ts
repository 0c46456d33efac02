import { describe, expect, it } from "vitest";
import { useApiServer } from "../../../apps/api/test/harness";
import { main } from "../src/cli/main";

const PASSWORD = "cli-registry-pass-91c2";

describe("aios container-registry and aios get container-registries", () => {
  const api = useApiServer();
  /** Runs `aios <args>` with REGISTRY_PASSWORD in its environment. */
  const run = async (args: string[]) => {
    const out: string[] = [];
    const err: string[] = [];
    const env = { AIOS_API_URL: api.url, REGISTRY_PASSWORD: PASSWORD };
    const code = await main(args, { out: (t) => out.push(t), err: (t) => err.push(t), env });
    return { code, out: out.join("\n"), err: err.join("\n") };
  };

  it("adds a registry with a password from a variable, lists it without the password, and removes it", async () => {
    const add = ["container-registry", "add", "team", "--url", "registry.example:5000"];
    const credentials = ["--username", "puller", "--password-env", "REGISTRY_PASSWORD"];
    const added = await run([...add, ...credentials]);
    expect(added.code, added.err).toBe(0);
    expect(added.out).toBe("container registry team added (registry.example:5000, as puller)");
    expect((await run([...add, ...credentials])).out).toContain("unchanged");
    expect((await api.services.containerRegistries.imagePull("team"))?.credentials?.password).toBe(PASSWORD);

    const table = await run(["get", "container-registries"]);
    expect(table.code, table.err).toBe(0);
    expect(table.out).toMatch(/^ID\s+SERVER\s+USER\s+CREDENTIALS\s+TAGS\s+UPDATED/);
    expect(table.out).toMatch(/team\s+registry\.example:5000\s+puller\s+yes/);
    const json = await run(["get", "registries", "team", "-o", "json"]);
    expect(JSON.parse(json.out)).toMatchObject({ containerRegistryId: "team", hasCredentials: true });
    for (const r of [table, json]) expect(r.out).not.toContain(PASSWORD);

    const anonymous = await run(["container-registry", "set", "team", "--anonymous"]);
    expect(anonymous.out).toBe("container registry team changed (registry.example:5000, anonymous)");
    expect((await run(["container-registry", "remove", "team"])).out).toBe("container registry team removed");
    expect((await run(["container-registry", "remove", "team"])).out).toBe(
      "container registry team was not registered",
    );
  });

  it("refuses bad arguments, naming them, before calling the API", async () => {
    const cases: Array<[string[], string]> = [
      [["container-registry", "add", "Team", "--url", "x.io"], 'ID "Team" must be lowercase letters'],
      [["container-registry", "add", "team"], "needs --url"],
      [
        ["container-registry", "add", "team", "--url", "x.io/path"],
        "--url must be the registry's host[:port] only",
      ],
      [
        ["container-registry", "add", "team", "--url", "x.io", "--username", "u"],
        "--password-env VAR or --password-stdin",
      ],
      [
        [
          "container-registry",
          "add",
          "team",
          "--url",
          "x.io",
          "--username",
          "u",
          "--password-env",
          "UNSET_VAR",
        ],
        "UNSET_VAR is not set",
      ],
      [
        ["container-registry", "add", "team", "--url", "x.io", "--password", "p"],
        "Unknown option '--password'",
      ],
      [["container-registry", "set", "team"], "needs something to change"],
      [["container-registry", "list"], "add, set or remove"],
    ];
    for (const [args, message] of cases) {
      const r = await run(args);
      expect(r.code, args.join(" ")).toBe(2);
      expect(r.err).toContain(message);
    }
    await expect(api.caller().containerRegistries.list()).resolves.toEqual([]);
  });
});
