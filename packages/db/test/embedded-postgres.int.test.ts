import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { chmod, mkdir, mkdtemp, readFile, rm, stat } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sharedDataDirFor } from "../src/server/data-dir";
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
      expect(server.url).toMatch(/^postgresql:\/\/postgres:[\w-]{32}@127\.0\.0\.1:\d+\/aios$/);
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
    const levels = new Map<string, string>();
    const log = (l: string, level: string) => {
      lines.push(l);
      levels.set(l, level);
    };
    const server = await startPostgres({ dataDir, durable: false, log });
    try {
      expect(lines.join("\n")).toContain("recovered stale server");
      // An operator should see it: it is logged at info, not debug.
      expect(levels.get(lines.find((l) => l.includes("recovered stale server")) ?? "")).toBe("info");
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
  describe("as root, a data dir its OS user cannot reach", () => {
    const root = process.getuid?.() === 0;
    if (!root) console.log("skipped: the data dir fallback applies only when running as root");

    it.skipIf(!root)(
      "keeps the data in the fallback directory, and reuses it on the next start",
      async () => {
        const home = path.join(tmp, "private-home"); // like a checkout under /root
        await mkdir(home, { recursive: true });
        await chmod(home, 0o700);
        const dataDir = path.join(home, "postgres");
        const fallbackDataDir = sharedDataDirFor(home, path.join(tmp, "var-lib-aios"));
        const start = async () => {
          const lines: Array<[string, string]> = [];
          const server = await startPostgres({
            dataDir,
            fallbackDataDir,
            durable: false,
            log: (l, level) => lines.push([l, level]),
          });
          return { server, lines };
        };

        const first = await start();
        try {
          expect(first.server.dataDir).toBe(fallbackDataDir);
          const note = first.lines.filter(([l]) => l.includes(`data in ${fallbackDataDir}`));
          expect(note).toEqual([[expect.stringContaining(`${home} is private`), "info"]]);
          await query(first.server.url, "CREATE TABLE kept (v int); INSERT INTO kept VALUES (42)");
        } finally {
          await first.server.stop();
        }
        expect(existsSync(path.join(dataDir, "PG_VERSION"))).toBe(false);
        expect((await stat(fallbackDataDir)).mode & 0o777).toBe(0o700);
        expect(await readFile(path.join(path.dirname(fallbackDataDir), "source"), "utf8")).toBe(`${home}\n`);

        const second = await start();
        try {
          expect(second.server.dataDir).toBe(fallbackDataDir);
          expect(await query(second.server.url, "SELECT v FROM kept")).toEqual([{ v: 42 }]);
        } finally {
          await second.server.stop();
        }

        // A later chmod of the home does not hide the data already kept in the fallback.
        await chmod(home, 0o755);
        const third = await start();
        try {
          expect(third.server.dataDir).toBe(fallbackDataDir);
          expect(await query(third.server.url, "SELECT v FROM kept")).toEqual([{ v: 42 }]);
        } finally {
          await third.server.stop();
        }
      },
    );
  });
});

describe("sharedDataDirFor", () => {
  it("maps one home to one directory under /var/lib/aios, whatever the spelling of its path", () => {
    const a = sharedDataDirFor("/root/aios/.aios");
    expect(a).toMatch(/^\/var\/lib\/aios\/[0-9a-f]{12}\/postgres$/);
    expect(sharedDataDirFor("/root/aios/x/../.aios")).toBe(a);
    expect(sharedDataDirFor("/root/other/.aios")).not.toBe(a);
  });
});
