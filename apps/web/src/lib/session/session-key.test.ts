import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { loadSessionKey } from "./session-key";

const dirs: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), "aios-web-key-"));
  dirs.push(dir);
  return dir;
};
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe("loadSessionKey", () => {
  it("makes a 32-byte key readable by its owner only, and reads the same key back", () => {
    const dir = join(tempDir(), "web");
    const key = loadSessionKey(dir);
    expect(key).toHaveLength(32);
    expect(statSync(join(dir, "session-key")).mode & 0o777).toBe(0o600);
    expect(loadSessionKey(dir).equals(key)).toBe(true);
    expect(readFileSync(join(dir, "session-key"), "utf8")).toBe(key.toString("base64"));
  });

  it("refuses a key file of the wrong size, naming the file", () => {
    const dir = tempDir();
    writeFileSync(join(dir, "session-key"), "c2hvcnQ=");
    expect(() => loadSessionKey(dir)).toThrow(`${join(dir, "session-key")}: a session key must be 32 bytes`);
  });

  it("without a data directory, keeps one key for the life of the process", () => {
    expect(loadSessionKey(undefined).equals(loadSessionKey(undefined))).toBe(true);
  });
});
