import { describe, expect, it } from "vitest";
import { doc, rejection, useApi } from "./harness";

const PASSWORD = "registry-pass-3f9d1c";
const VIEWER = { role: "viewer" as const, scope: null, tokenId: "viewer-token" };
const OPERATOR = { role: "operator" as const, scope: null, tokenId: "operator-token" };

/**
 * Container registries with real PostgreSQL: the password is sealed before it is stored, read back
 * by nothing but the agents' desired state, kept out of the audit log; a component must name a
 * registered registry, and a registry stays while a component names it.
 */
describe("container registries", () => {
  const api = useApi();
  const create = (id: string, extra: Record<string, unknown> = {}) =>
    api.caller().containerRegistries.create({
      containerRegistryId: id,
      url: "registry.example:5000",
      username: "puller",
      password: PASSWORD,
      ...extra,
    });
  const registerComponent = (name: string, registryId: string) =>
    api.caller().parser.applySpec({
      document: doc("registerComponent", {
        componentId: { name, version: "1.0.0", releaseTag: "stable" },
        componentType: "model",
        containerRegistryInfo: {
          containerImage: `registry.example:5000/${name}:1`,
          containerRegistryId: registryId,
        },
      }),
    });

  it("stores the password sealed and answers it to no read, nor keeps it in the audit log", async () => {
    const r = await create("team", { tags: ["prod"], metadata: { owner: "ml" } });
    expect(r.created).toBe(true);
    expect(r.containerRegistry).toMatchObject({
      containerRegistryId: "team",
      server: "registry.example:5000",
      username: "puller",
      hasCredentials: true,
      tags: ["prod"],
    });
    const reads = [
      r,
      await api.caller(VIEWER).containerRegistries.get({ containerRegistryId: "team" }),
      await api.caller(VIEWER).containerRegistries.list(),
      await api
        .caller(VIEWER)
        .containerRegistries.search({ filter: { variable: "tags", operator: "==", value: "prod" } }),
      await api.caller().auditEvents.list(),
    ];
    for (const read of reads) expect(JSON.stringify(read)).not.toContain(PASSWORD);
    const audited = (await api.caller().auditEvents.list()).find(
      (e) => e.action === "containerRegistries.create",
    );
    expect(audited?.input).toMatchObject({ containerRegistryId: "team", password: "[redacted]" });
    expect(reads[3]).toHaveLength(1);
    const [row] = await api.database.db.$queryRawUnsafe<Array<{ secret: string }>>(
      `SELECT "secret" FROM "container_registries" WHERE "id" = 'team'`,
    );
    expect(row?.secret).toMatch(/^v1:[0-9a-f]{12}:/);
    expect(row?.secret).not.toContain(PASSWORD);
    expect(row?.secret).not.toContain(Buffer.from(PASSWORD).toString("base64"));
    // A filter cannot probe the ciphertext: it is no variable of the view.
    const probe = await rejection(
      api.caller().containerRegistries.search({ filter: { variable: "secret", operator: "==", value: "x" } }),
    );
    expect(probe.message).toContain('"secret" is not a filterable variable of container registrys');
  });

  it("opens the credentials for the agents' pull Secret only", async () => {
    await expect(api.services.containerRegistries.imagePull("team")).resolves.toEqual({
      containerRegistryId: "team",
      server: "registry.example:5000",
      secretName: "aios-registry-team",
      credentials: { username: "puller", password: PASSWORD },
    });
    await expect(api.services.containerRegistries.imagePull("gone")).resolves.toBeNull();
  });

  it("is idempotent for the same values and a conflict for others", async () => {
    expect((await create("team", { tags: ["prod"], metadata: { owner: "ml" } })).created).toBe(false);
    const other = await rejection(
      create("team", { password: "another", tags: ["prod"], metadata: { owner: "ml" } }),
    );
    expect(other.code).toBe("CONFLICT");
    expect(other.message).toContain("containerRegistries.update");
  });

  it("changes credentials, and drops them for anonymous pulls", async () => {
    await api.caller().containerRegistries.update({
      containerRegistryId: "team",
      credentials: { username: "robot", password: "rotated" },
    });
    expect((await api.services.containerRegistries.imagePull("team"))?.credentials).toEqual({
      username: "robot",
      password: "rotated",
    });
    const anonymous = await api
      .caller()
      .containerRegistries.update({ containerRegistryId: "team", credentials: null });
    expect(anonymous).toMatchObject({ hasCredentials: false, username: null });
    expect((await api.services.containerRegistries.imagePull("team"))?.credentials).toBeNull();
    const missing = await rejection(
      api.caller().containerRegistries.update({ containerRegistryId: "nope", tags: [] }),
    );
    expect(missing.code).toBe("NOT_FOUND");
  });

  it("refuses a ciphertext moved to another registry", async () => {
    await create("source");
    await create("target", { password: "other-pass" });
    await api.database.db.$executeRawUnsafe(
      `UPDATE "container_registries" SET "secret" = (SELECT "secret" FROM "container_registries" WHERE "id" = 'source') WHERE "id" = 'target'`,
    );
    await expect(api.services.containerRegistries.imagePull("target")).rejects.toThrow(
      "the stored credentials of target do not open",
    );
  });

  it("validates its input, naming the field", async () => {
    const bad = await rejection(
      api.caller().containerRegistries.create({ containerRegistryId: "Bad_Id", url: "https://x.io/path" }),
    );
    expect(bad.code).toBe("BAD_REQUEST");
    expect(bad.message).toContain("containerRegistryId");
    const half = await rejection(
      api.caller().containerRegistries.create({ containerRegistryId: "half", url: "x.io", username: "u" }),
    );
    expect(half.message).toContain("password");
  });

  it("lets viewers read and admins alone change", async () => {
    const denied = await rejection(
      api.caller(OPERATOR).containerRegistries.create({ containerRegistryId: "op", url: "x.io" }),
    );
    expect(denied.code).toBe("FORBIDDEN");
    await expect(
      api.caller(VIEWER).containerRegistries.get({ containerRegistryId: "source" }),
    ).resolves.toMatchObject({
      hasCredentials: true,
    });
  });

  it("takes a component naming a registered registry, refuses one naming none, and keeps a registry in use", async () => {
    await registerComponent("pulled", "source");
    const unknown = await rejection(registerComponent("orphan", "nowhere"));
    expect(unknown.code).toBe("BAD_REQUEST");
    expect(unknown.message).toContain("body.spec.values.containerRegistryInfo.containerRegistryId");
    expect(unknown.message).toContain('"nowhere", which is not registered');
    await expect(
      api.caller().components.get({ componentURI: "model.orphan:1.0.0-stable" }),
    ).rejects.toThrow();
    const inUse = await rejection(api.caller().containerRegistries.remove({ containerRegistryId: "source" }));
    expect(inUse.code).toBe("CONFLICT");
    expect(inUse.message).toContain("model.pulled:1.0.0-stable");
    await expect(api.caller().containerRegistries.remove({ containerRegistryId: "target" })).resolves.toEqual(
      {
        removed: true,
      },
    );
    await expect(api.caller().containerRegistries.remove({ containerRegistryId: "target" })).resolves.toEqual(
      {
        removed: false,
      },
    );
  });
});

describe("container registries without AIOS_SECRETS_KEY", () => {
  const api = useApi({ secretsKey: null });

  it("refuses credentials, naming the setting, and stores nothing; anonymous registries work", async () => {
    const refused = await rejection(
      api.caller().containerRegistries.create({
        containerRegistryId: "team",
        url: "x.io",
        username: "u",
        password: "p",
      }),
    );
    expect(refused.message).toContain("AIOS_SECRETS_KEY");
    await expect(api.caller().containerRegistries.list()).resolves.toEqual([]);
    const open = await api
      .caller()
      .containerRegistries.create({ containerRegistryId: "public", url: "x.io" });
    expect(open.containerRegistry.hasCredentials).toBe(false);
  });
});
