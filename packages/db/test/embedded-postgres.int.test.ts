import { spawn } from "node:child_process";
import { chmod, mkdir, mkdtemp, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startPostgres } from "../src/server/embedded-postgres";
import { isAlive } from "../src/server/postmaster";

const here = path.dirname(fileURLToPath(import.meta.url));
let tmp: string;

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), "aios-pg-mgr-"));
  await chmod(tmp, 0o755); // mkdtemp makes 0700: the postgres OS user must traverse it
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

async function query(url: string, text: string) {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query(text)).rows;
  } finally {
    await c.end();
  }
}

/** Starts postgres in a child node process and SIGKILLs that child: the postmaster survives. */
async function orphanPostmaster(dataDir: string): Promise<{ pid: number; port: number }> {
  const child = spawn(
    process.execPath,
    ["--import", "tsx", path.join(here, "fixtures/start-postgres-child.ts"), dataDir],
    {
      stdio: ["ignore", "pipe", "inherit"],
    },
  );
  const info = await new Promise<{ pid: number; port: number }>((resolve, reject) => {
    let out = "";
    child.stdout.on("data", (d) => {
      out += d;
      if (out.includes("\n")) resolve(JSON.parse(out.split("\n")[0] as string));
    });
    child.on("exit", (code) => reject(new Error(`child exited early (${code})`)));
  });
  const exited = new Promise((r) => child.once("exit", r));
  child.kill("SIGKILL");
  await exited;
  return info;
}

describe("startPostgres", () => {
  it("starts, creates the aios database, listens on 127.0.0.1 only, stops", async () => {
    const lines: string[] = [];
    const server = await startPostgres({
      dataDir: path.join(tmp, "basic"),
      durable: false,
      log: (l) => lines.push(l),
    });
    try {
      expect(server.url).toMatch(/^postgresql:\/\/postgres:postgres@127\.0\.0\.1:\d+\/aios$/);
      const rows = await query(
        server.url,
        "SELECT current_database() AS db, current_setting('listen_addresses') AS la",
      );
      expect(rows[0]).toEqual({ db: "aios", la: "127.0.0.1" });
      expect(lines.some((l) => l.includes("initdb"))).toBe(true);
    } finally {
      await server.stop();
    }
    expect(isAlive(server.pid)).toBe(false);
    await server.stop(); // idempotent
  });

  it("recovers a stale postmaster left by a SIGKILLed parent", async () => {
    const dataDir = path.join(tmp, "stale");
    const orphan = await orphanPostmaster(dataDir);
    expect(isAlive(orphan.pid)).toBe(true); // the parent died, postgres did not
    const lines: string[] = [];
    const server = await startPostgres({ dataDir, durable: false, log: (l) => lines.push(l) });
    try {
      expect(lines.join("\n")).toContain("recovered stale server");
      expect(isAlive(orphan.pid)).toBe(false);
      expect(server.pid).not.toBe(orphan.pid);
      expect(await query(server.url, "SELECT 1 AS ok")).toEqual([{ ok: 1 }]);
    } finally {
      await server.stop();
    }
  });

  it("removes a pid file whose process is dead", async () => {
    const dataDir = path.join(tmp, "deadpid");
    const first = await startPostgres({ dataDir, durable: false });
    await first.stop();
    // Simulate a crash: a pid file pointing at a process that no longer exists.
    const fs = await import("node:fs/promises");
    await fs.writeFile(path.join(dataDir, "postmaster.pid"), "999999\n");
    const lines: string[] = [];
    const server = await startPostgres({ dataDir, durable: false, log: (l) => lines.push(l) });
    await server.stop();
    expect(lines.join("\n")).toContain("removed-stale-pid-file");
    expect(await readFile(path.join(dataDir, "PG_VERSION"), "utf8")).toMatch(/^17/);
  });

  it.skipIf(process.getuid?.() !== 0)(
    "explains a data dir parent the postgres user cannot traverse",
    async () => {
      const locked = path.join(tmp, "locked");
      await mkdir(locked, { recursive: true });
      await chmod(locked, 0o700);
      await expect(startPostgres({ dataDir: path.join(locked, "data") })).rejects.toThrow(
        new RegExp(`cannot traverse ${locked}\\. Fix: chmod o\\+x ${locked}`),
      );
    },
  );
});
