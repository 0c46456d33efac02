import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { hashToken } from "../src/auth/token-hash";
import { ensureLocalTokens } from "../src/domains/tokens/local-tokens";
import { useApi } from "./harness";

describe("the local tokens of a single-machine install", () => {
  const api = useApi({ auth: "token" });
  const dir = join(mkdtempSync(join(tmpdir(), "aios-local-tokens-")), "tokens");
  const active = (file: string) =>
    api.services.tokens.findActive(hashToken(readFileSync(join(dir, file), "utf8").trim()));

  it("issues an admin and an agent token into 0600 files, and reuses them while they are active", async () => {
    expect(await ensureLocalTokens(api.services.tokens, dir, "lt-local")).toEqual(["admin", "agent"]);
    for (const file of ["admin", "agent"]) expect(statSync(join(dir, file)).mode & 0o777).toBe(0o600);
    expect(await active("admin")).toMatchObject({ role: "admin" });
    expect(await active("agent")).toMatchObject({ role: "agent", scope: "lt-local" });
    expect(await ensureLocalTokens(api.services.tokens, dir, "lt-local")).toEqual([]);
  });

  it("revokes the console's shared operator token of an earlier install and removes its file", async () => {
    const { token, record } = await api.services.tokens.issue({ name: "local console", role: "operator" });
    writeFileSync(join(dir, "console"), `${token}\n`, { mode: 0o600 });
    await ensureLocalTokens(api.services.tokens, dir, "lt-local");
    expect(existsSync(join(dir, "console"))).toBe(false);
    expect(await api.services.tokens.findActive(hashToken(token))).toBeNull();
    expect((await api.caller().tokens.get({ id: record.id })).revokedAt).not.toBeNull();
  });
});
