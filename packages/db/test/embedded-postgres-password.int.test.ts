import { chmod, mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startPostgres } from "../src/server/embedded-postgres";

let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), "aios-pg-pw-"));
  await chmod(tmp, 0o755); // the postgres OS user (when we are root) must traverse it
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

/** Connects as `user`/`password` and answers 1, or rejects with PostgreSQL's error. */
async function connectWith(port: number, user: string, password: string) {
  const c = new pg.Client({ host: "127.0.0.1", port, user, password, database: "aios" });
  try {
    await c.connect();
    return (await c.query("SELECT 1 AS ok")).rows[0]?.ok as number;
  } finally {
    await c.end().catch(() => {});
  }
}

const refusedPassword = expect.objectContaining({ code: "28P01" }); // invalid_password

describe("the embedded PostgreSQL's password", () => {
  it("is random, kept beside the data directory (mode 0600), and postgres/postgres is refused", async () => {
    const dataDir = path.join(tmp, "fresh");
    const server = await startPostgres({ dataDir, durable: false });
    try {
      const file = `${dataDir}.password`;
      const kept = (await readFile(file, "utf8")).trim();
      expect(kept).toMatch(/^[\w-]{32}$/);
      expect((await stat(file)).mode & 0o777).toBe(0o600);
      expect(new URL(server.url).password).toBe(kept);
      expect(await connectWith(server.port, "postgres", kept)).toBe(1);
      await expect(connectWith(server.port, "postgres", "postgres")).rejects.toEqual(refusedPassword);
    } finally {
      await server.stop();
    }
    // The next start reads the same password.
    const again = await startPostgres({ dataDir, durable: false });
    await again.stop();
    expect(again.url).toBe(server.url.replace(`:${server.port}/`, `:${again.port}/`));
  });

  it("is kept where passwordFile says, and a looser mode is tightened", async () => {
    const dataDir = path.join(tmp, "elsewhere");
    const passwordFile = path.join(tmp, "home", "postgres.password");
    const first = await startPostgres({ dataDir, durable: false, passwordFile });
    await first.stop();
    await chmod(passwordFile, 0o644);
    const second = await startPostgres({ dataDir, durable: false, passwordFile });
    await second.stop();
    expect((await stat(passwordFile)).mode & 0o777).toBe(0o600);
    expect(new URL(second.url).password).toBe((await readFile(passwordFile, "utf8")).trim());
  });

  it("replaces the old fixed password of a data directory made before", async () => {
    const dataDir = path.join(tmp, "legacy");
    const old = await startPostgres({ dataDir, durable: false, password: "postgres" });
    await old.stop();
    const lines: string[] = [];
    const server = await startPostgres({ dataDir, durable: false, log: (l) => lines.push(l) });
    try {
      const kept = (await readFile(`${dataDir}.password`, "utf8")).trim();
      expect(lines.join("\n")).toContain(
        `the fixed password "postgres" replaced by the one in ${dataDir}.password`,
      );
      expect(await connectWith(server.port, "postgres", kept)).toBe(1);
      await expect(connectWith(server.port, "postgres", "postgres")).rejects.toEqual(refusedPassword);
    } finally {
      await server.stop();
    }
  });

  it("says which file to restore when the kept password no longer matches the data", async () => {
    const dataDir = path.join(tmp, "lost");
    const first = await startPostgres({ dataDir, durable: false });
    await first.stop();
    await writeFile(`${dataDir}.password`, "not-the-password\n", { mode: 0o600 });
    await expect(startPostgres({ dataDir, durable: false })).rejects.toThrow(
      `PostgreSQL in ${dataDir} refuses the password in ${dataDir}.password: put the password it was made with back`,
    );
  });
});
