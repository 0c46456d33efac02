import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { sealSession, type TSession, unsealSession } from "./session-seal";

const key = randomBytes(32);
const session: TSession = {
  token: "aios_secret",
  role: "viewer",
  name: "ana",
  tokenId: "t-1",
  expiresAt: 2_000,
};

describe("session seal", () => {
  it("opens what it sealed, and the sealed text does not show the token", () => {
    const sealed = sealSession(session, key);
    expect(sealed).not.toContain("aios_secret");
    expect(Buffer.from(sealed, "base64url").toString("latin1")).not.toContain("aios_secret");
    expect(unsealSession(sealed, key, 1_000)).toEqual(session);
  });

  it("refuses a cookie sealed by another key, changed by one byte, or cut short", () => {
    const sealed = sealSession(session, key);
    expect(unsealSession(sealed, randomBytes(32), 1_000)).toBeNull();
    const bytes = Buffer.from(sealed, "base64url");
    bytes.writeUInt8(bytes.readUInt8(bytes.length - 1) ^ 1, bytes.length - 1);
    expect(unsealSession(bytes.toString("base64url"), key, 1_000)).toBeNull();
    expect(unsealSession(sealed.slice(0, 20), key, 1_000)).toBeNull();
    expect(unsealSession("", key, 1_000)).toBeNull();
  });

  it("refuses a session past its expiry", () => {
    expect(unsealSession(sealSession(session, key), key, 2_000)).toBeNull();
  });
});
