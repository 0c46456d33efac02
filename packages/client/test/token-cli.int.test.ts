import type { TApiTokenRecord } from "@aios/contracts";
import { beforeAll, describe, expect, it } from "vitest";
import { useApiServer } from "../../../apps/api/test/harness";
import { runCli } from "./cli-io";

describe("aios token and aios cluster join-token, against an API in token mode", () => {
  const api = useApiServer({ auth: "token" });
  let admin: string;

  /** Runs `aios <args>` as `token`: its exit code, stdout and stderr. */
  const run = (args: string[], token = admin) => runCli(api.url, args, token);

  beforeAll(async () => {
    admin = (await api.services.tokens.issue({ name: "cli admin", role: "admin" })).token;
  });

  it("creates a token, printing its secret once on stdout, and lists it without the secret", async () => {
    const created = await run([
      "token",
      "create",
      "--role",
      "viewer",
      "--name",
      "cli ci",
      "--expires",
      "30d",
    ]);
    expect(created.code, created.err).toBe(0);
    const secret = created.out.split("\n")[0] ?? "";
    expect(secret).toMatch(/^aios_[A-Za-z0-9_-]{20,}$/);
    expect(created.err).toMatch(
      /^token \S+ \(cli ci\): role viewer; expires \d{4}-\d\d-\d\d .*shown this once/,
    );

    // The new token works, and as a viewer it may not manage tokens.
    const asViewer = await run(["token", "list"], secret);
    expect(asViewer.code).toBe(1);
    expect(asViewer.err).toContain("admin");

    const table = await run(["token", "list"]);
    expect(table.code).toBe(0);
    expect(table.out).toMatch(/^ID\s+NAME\s+ROLE\s+SCOPE\s+EXPIRES\s+LAST USED\s+REVOKED/);
    expect(table.out).toContain("cli ci");
    expect(table.out).not.toContain(secret);
    const json = JSON.parse(
      (await run(["token", "list", "-o", "json", "--limit", "1000"])).out,
    ) as TApiTokenRecord[];
    expect(json.find((t) => t.name === "cli ci")).toMatchObject({ role: "viewer", revokedAt: null });
    expect(JSON.stringify(json)).not.toContain(secret);
  });

  it("creates a data key with its scopes", async () => {
    const created = await run([
      "token",
      "create",
      "--role",
      "data",
      "--name",
      "cli data",
      "--scope",
      "vdag:text-pipeline:*",
      "--scope",
      "block:echo",
      "-o",
      "json",
    ]);
    expect(created.code, created.err).toBe(0);
    expect(JSON.parse(created.out)).toMatchObject({
      role: "data",
      scopes: ["vdag:text-pipeline:*", "block:echo"],
      expiresAt: null,
    });
    expect((await run(["token", "list"])).out).toMatch(
      /cli data\s+data\s+vdag:text-pipeline:\* block:echo\s+never/,
    );
  });

  it("revokes a token; revoking it again changes nothing", async () => {
    const created = await run([
      "token",
      "create",
      "--role",
      "operator",
      "--name",
      "cli revoke",
      "-o",
      "json",
    ]);
    const { id, token } = JSON.parse(created.out) as { id: string; token: string };
    const revoked = await run(["token", "revoke", id]);
    expect(revoked.code, revoked.err).toBe(0);
    expect(revoked.out).toMatch(new RegExp(`^token ${id} \\(cli revoke\\) revoked at `));
    expect((await run(["token", "revoke", id])).out).toBe(revoked.out);
    const refused = await run(["token", "list"], token);
    expect([refused.code, refused.err]).toEqual([1, "error: an API token is required"]);
    const unknown = await run(["token", "revoke", "no-such-id"]);
    expect(unknown.code).toBe(1);
    expect(unknown.err).toContain('API token "no-such-id" was not found');
  });

  it("issues a cluster join token that an agent exchanges once", async () => {
    const issued = await run(["cluster", "join-token", "cli-edge", "--expires", "2h"]);
    expect(issued.code, issued.err).toBe(0);
    const joinToken = issued.out.split("\n")[0] ?? "";
    expect(issued.err).toMatch(/role join, cluster cli-edge; expires .*AIOS_JOIN_TOKEN/);
    const joined = await api.services.joinTokens.exchange(joinToken, undefined);
    expect(joined).toMatchObject({ clusterId: "cli-edge", nodeId: null });
  });

  it("issues a join token for several nodes, each joining once", async () => {
    const issued = await run(["cluster", "join-token", "cli-many", "--nodes", "2"]);
    expect(issued.code, issued.err).toBe(0);
    expect(issued.err).toContain("one use by each of 2 nodes");
    const joinToken = issued.out.split("\n")[0] ?? "";
    for (const node of ["n1", "n2"])
      expect(await api.services.joinTokens.exchange(joinToken, node)).toMatchObject({ nodeId: node });
    await expect(api.services.joinTokens.exchange(joinToken, "n3")).rejects.toThrow(/used already/);
  });

  it("refuses bad arguments with exit code 2 and a message naming the option", async () => {
    const cases: Array<[string[], string]> = [
      [["token"], 'unknown token command "": create, list or revoke'],
      [["token", "create", "--name", "x"], "token create needs --role (viewer, operator, admin, data)"],
      [
        ["token", "create", "--role", "root", "--name", "x"],
        'token create --role must be one of viewer, operator, admin, data, got "root"',
      ],
      [["token", "create", "--role", "agent", "--name", "x"], "token create --role must be one of"],
      [["token", "create", "--role", "viewer"], "token create needs --name"],
      [["token", "create", "--role", "viewer", "--name", " "], "token create --name must not be empty"],
      [
        ["token", "create", "--role", "data", "--name", "x"],
        "token create --role data needs at least one --scope",
      ],
      [
        ["token", "create", "--role", "viewer", "--name", "x", "--scope", "block:echo"],
        "token create --scope is for --role data only, not viewer",
      ],
      [
        ["token", "create", "--role", "data", "--name", "x", "--scope", "echo"],
        'token create --scope "echo": unknown kind',
      ],
      [
        ["token", "create", "--role", "data", "--name", "x", "--scope", "vdag:a*:1-stable"],
        `token create --scope "vdag:a*:1-stable": '*' may only be in the last segment`,
      ],
      [
        ["token", "create", "--role", "viewer", "--name", "x", "--expires", "30"],
        'token create --expires: "30" must be a whole number followed by m, h, d or w',
      ],
      [
        ["token", "create", "--role", "viewer", "--name", "x", "--expires", "0h"],
        'token create --expires: "0h" must be longer than zero',
      ],
      [
        ["token", "create", "--role", "viewer", "--name", "x", "--color"],
        "token create: Unknown option '--color'",
      ],
      [
        ["token", "create", "--role", "viewer", "--name", "x", "extra"],
        'token create: unexpected argument(s) "extra"',
      ],
      [
        ["token", "create", "--role", "viewer", "--name", "x", "-o", "yaml"],
        'token create: -o must be table or json, got "yaml"',
      ],
      [["token", "list", "--limit", "0"], "--limit must be at least 1"],
      [["token", "list", "--limit", "many"], '--limit must be a whole number, got "many"'],
      [["token", "revoke"], "token revoke needs the token's ID"],
      [["token", "revoke", "a", "b"], 'token revoke: unexpected argument(s) "b"'],
      [["cluster"], 'unknown cluster command "": join-token'],
      [["cluster", "join-token"], "cluster join-token needs the CLUSTER id"],
      [["cluster", "join-token", "Edge_1"], 'cluster join-token: CLUSTER "Edge_1" must be a DNS-1123 label'],
      [["cluster", "join-token", "edge-1", "--expires", "1y"], 'cluster join-token --expires: "1y" must be'],
      [
        ["cluster", "join-token", "edge-1", "--nodes", "0"],
        'cluster join-token --nodes must be a whole number of nodes, 1 to 10000, got "0"',
      ],
    ];
    const before = await api.database.db.apiToken.count();
    for (const [args, message] of cases) {
      const r = await run(args);
      expect([args.join(" "), r.code], r.err).toEqual([args.join(" "), 2]);
      expect(r.err.split("\n")[0], args.join(" ")).toContain(`error: ${message}`);
    }
    expect(await api.database.db.apiToken.count()).toBe(before);
  });
});
