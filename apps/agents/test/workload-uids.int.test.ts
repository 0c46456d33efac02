import { spawnSync } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import type { Workload } from "../src/drivers/driver";
import { createProcessDriver } from "../src/drivers/process-driver";
import { parseUidRange } from "../src/drivers/workload-uids";
import { createWorkloadIdentity } from "../src/drivers/workload-user";

const repoRoot = resolve(import.meta.dirname, "../../..");
const HELLO = "apps/agents/test/fixtures/http-hello.ts";
const JOB = "apps/agents/test/fixtures/job-stages.ts";
// A range of its own, so no other test's workloads take these uids meanwhile.
const RANGE = { first: 2_098_000, last: 2_098_999 };

const uidOf = (pid: number | null) =>
  Number(/^Uid:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1]);
const homeOf = (pid: number | null) =>
  /(?:^|\0)HOME=([^\0]*)/.exec(readFileSync(`/proc/${pid}/environ`, "utf8"))?.[1] ?? "";

/** What a `node -e` of `uid` gets trying `code` (an fs call on PATH): "ok" or the error code. */
function tryAs(uid: number, code: string, path: string): string {
  const r = spawnSync(
    process.execPath,
    ["-e", `try { ${code}; console.log("ok") } catch (e) { console.log(e.code) }`, path],
    { uid, gid: uid, encoding: "utf8" },
  );
  return r.stdout.trim() || r.stderr.trim();
}
const readAs = (uid: number, path: string) =>
  tryAs(uid, 'require("node:fs").readFileSync(process.argv[1])', path);
const listAs = (uid: number, path: string) =>
  tryAs(uid, 'require("node:fs").readdirSync(process.argv[1])', path);

function agentState() {
  const home = mkdtempSync(join(tmpdir(), "aios-uids-home-"));
  const stateDir = join(home, "agent", "local");
  mkdirSync(stateDir, { recursive: true });
  chmodSync(home, 0o700);
  const aliveFile = join(stateDir, "agent.alive");
  writeFileSync(aliveFile, "");
  const parent = mkdtempSync(join(tmpdir(), "aios-uids-workloads-"));
  chmodSync(parent, 0o711);
  return { stateDir, aliveFile, dir: join(parent, "local") };
}

describe("AIOS_WORKLOAD_UIDS", () => {
  it("is a range of uids, or off; anything else is refused naming the setting", () => {
    expect(parseUidRange("2000000-2099999")).toEqual({ first: 2_000_000, last: 2_099_999 });
    expect(parseUidRange("off")).toBeNull();
    expect(() => parseUidRange("2000000")).toThrow(/AIOS_WORKLOAD_UIDS must be <first>-<last>/);
    expect(() => parseUidRange("0-10")).toThrow(/AIOS_WORKLOAD_UIDS must start at 1000 or above/);
    expect(() => parseUidRange("3000-2000")).toThrow(/the last uid 2000 is below the first 3000/);
  });
});

describe.runIf(process.getuid?.() === 0)("an agent running as root with a uid range", () => {
  it("gives each workload a uid of its own: none reads another's environment or home, and adoption keeps them", async () => {
    const { stateDir, aliveFile, dir } = agentState();
    const workloads = () => createWorkloadIdentity({ dir, user: null, uids: RANGE });
    const driver = createProcessDriver({ repoRoot, stateDir, aliveFile, workloads: workloads() });
    const start = (name: string) =>
      driver.start({
        name,
        kind: "instance",
        entry: HELLO,
        env: {},
        gpus: [],
        controlToken: `control-token-of-${name}-0123456789`,
      });
    const a = await start("uid-a");
    const b = await start("uid-b");
    const running: Workload[] = [a, b];
    try {
      const [uidA, uidB] = [uidOf(a.pid), uidOf(b.pid)];
      expect(uidA).not.toBe(uidB);
      for (const uid of [uidA, uidB]) {
        expect(uid).toBeGreaterThanOrEqual(RANGE.first);
        expect(uid).toBeLessThanOrEqual(RANGE.last);
      }
      // Its gid is its uid; it has no group of root's.
      expect(/^Gid:\s+(\d+)/m.exec(readFileSync(`/proc/${a.pid}/status`, "utf8"))?.[1]).toBe(String(uidA));
      expect(/^Groups:[ \t]*(.*)$/m.exec(readFileSync(`/proc/${a.pid}/status`, "utf8"))?.[1]?.trim()).toBe(
        "",
      );

      // A's uid can read neither B's environment (its control token) nor its home.
      const homeB = homeOf(b.pid);
      writeFileSync(join(homeB, "secret"), "b's");
      expect(["EACCES", "EPERM"]).toContain(readAs(uidA, `/proc/${b.pid}/environ`));
      expect(readAs(uidA, join(homeB, "secret"))).toBe("EACCES");
      expect(listAs(uidA, homeB)).toBe("EACCES");
      expect(readAs(uidB, `/proc/${b.pid}/environ`)).toBe("ok");
      // Not through A's own process either.
      const viaA = await fetch(`${a.endpoint}/read?path=${encodeURIComponent(`/proc/${b.pid}/environ`)}`);
      expect(["EACCES", "EPERM"]).toContain(((await viaA.json()) as { code: string }).code);

      // Homes: 0700 of their uid; the directories above them passed through, not listed.
      const st = statSync(homeB);
      expect([st.uid, st.gid, st.mode & 0o777]).toEqual([uidB, uidB, 0o700]);
      for (const d of [dir, join(dir, "homes")]) {
        expect([statSync(d).uid, statSync(d).mode & 0o777]).toEqual([0, 0o711]);
        expect(listAs(uidA, d)).toBe("EACCES");
      }
      expect(await (await fetch(`${a.endpoint}/write-home`)).json()).toEqual({ ok: true });

      // A new driver (a restarted agent) adopts both as the uids they run as, and gives a new
      // workload another.
      const next = createProcessDriver({ repoRoot, stateDir, aliveFile, workloads: workloads() });
      const records = ["uid-a", "uid-b"].map(
        (n) => JSON.parse(readFileSync(join(stateDir, "workloads", `${n}.json`), "utf8")) as { uid: number },
      );
      expect(records.map((r) => r.uid)).toEqual([uidA, uidB]);
      const adoptedA = next.adopt("uid-a");
      const adoptedB = next.adopt("uid-b");
      expect([adoptedA?.pid, adoptedB?.pid]).toEqual([a.pid, b.pid]);
      const c = await next.start({ name: "uid-c", kind: "executor", entry: HELLO, env: {}, gpus: [] });
      running.push(c);
      expect([uidA, uidB]).not.toContain(uidOf(c.pid));
      // Stopping an adopted workload removes its home, as its own uid did not leave it behind.
      await adoptedB?.stop();
      expect(() => statSync(homeB)).toThrow(/ENOENT/);
    } finally {
      await Promise.all(running.map((w) => w.stop()));
    }
  });

  it("runs init steps as uids of their own, a managed system's always as the uid owning its directory", async () => {
    const { stateDir, aliveFile, dir } = agentState();
    const workloads = createWorkloadIdentity({ dir, user: null, uids: RANGE });
    const driver = createProcessDriver({ repoRoot, stateDir, aliveFile, workloads });
    const systemDir = join(dir, "systems", "blk-kv");
    const job = async (name: string, env: Record<string, string>) => {
      const lines: string[] = [];
      const r = await driver.runJob({
        name,
        entry: JOB,
        env: { PRINT_UID: "1", ...env },
        timeoutMs: 30_000,
        onLine: (l) => lines.push(l),
      });
      expect(r.code).toBe(0);
      return Number(lines.find((l) => l.startsWith("uid="))?.slice(4));
    };
    // A job that leaves data in its system's directory, as an install does.
    const install = await job("blk-kv-init-install", { AIOS_SYSTEM_DIR: systemDir, SYSTEM_STATE: "write" });
    expect(install).toBeGreaterThanOrEqual(RANGE.first);
    expect([statSync(systemDir).uid, statSync(systemDir).mode & 0o777]).toEqual([install, 0o700]);
    expect(statSync(join(systemDir, "state.json")).uid).toBe(install);
    expect(readAs(install + 1, join(systemDir, "state.json"))).toBe("EACCES");
    // Its uid stays the system's: another job gets another, its uninstall the same.
    expect(await job("other-init", {})).not.toBe(install);
    expect(await job("blk-kv-init-uninstall", { AIOS_SYSTEM_DIR: systemDir, SYSTEM_STATE: "remove" })).toBe(
      install,
    );
    // Emptied by its uninstall, the directory goes (and with it the hold on the uid).
    expect(() => statSync(systemDir)).toThrow(/ENOENT/);
  });
});
