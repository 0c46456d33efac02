import { chmodSync, mkdirSync, mkdtempSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { Logger } from "@aios/service-kit";
import { describe, expect, it } from "vitest";
import { setUpWorkloads } from "../src/drivers/workload-setup";

const repoRoot = resolve(import.meta.dirname, "../../..");

/** A logger that keeps what it was told. */
function recordingLog() {
  const lines: { msg: string; fields?: Record<string, unknown> }[] = [];
  const keep = (msg: string, fields?: Record<string, unknown>) => void lines.push({ msg, fields });
  const log = { debug: keep, info: keep, warn: keep, error: keep, child: () => log } as unknown as Logger;
  return { log, lines };
}

function setUp(uids?: string) {
  const parent = mkdtempSync(join(tmpdir(), "aios-setup-"));
  chmodSync(parent, 0o755); // like the directory an AIOS_HOME is in: anyone may pass through
  const home = join(parent, "home");
  mkdirSync(join(home, "tokens"), { recursive: true, mode: 0o755 });
  mkdirSync(join(home, "web"), { mode: 0o755 });
  mkdirSync(join(home, "postgres"), { mode: 0o750 });
  const { log, lines } = recordingLog();
  const setup = setUpWorkloads(
    {
      AIOS_HOME: home,
      AIOS_CLUSTER_ID: "local",
      AIOS_WORKLOAD_USER: "nobody",
      AIOS_WORKLOAD_UIDS: uids,
      runtimePolicy: { isolation: "process", limits: { cpuTimeMs: 30, memoryMb: 48 } },
    },
    log,
    repoRoot,
  );
  setup.policySandbox.stop();
  return { home, setup, lines };
}

describe("the agent's workload setup", () => {
  it("hands the runtimes the cluster's id and the agent's runtime policy settings, and makes the workloads' directory", () => {
    const { home, setup } = setUp();
    expect(setup.runtimeEnv).toEqual({
      AIOS_CLUSTER_ID: "local",
      AIOS_RUNTIME_POLICY_ISOLATION: "process",
      AIOS_RUNTIME_POLICY_CPU_MS: "30",
      AIOS_RUNTIME_POLICY_MEMORY_MB: "48",
    });
    expect(setup.identity.dir).toBe(`${home}-workloads/local`);
    expect(statSync(setup.identity.dir).isDirectory()).toBe(true);
  });

  it.runIf(process.getuid?.() === 0)(
    "as root: workloads get uids of their own from AIOS_WORKLOAD_UIDS; the directories above their homes are passed through, not listed",
    () => {
      const { home, setup, lines } = setUp("2096000-2096999");
      expect(setup.identity.uids).toEqual({ first: 2_096_000, last: 2_096_999 });
      expect(setup.identity.user).toBeNull();
      for (const dir of [`${home}-workloads`, setup.identity.dir, join(setup.identity.dir, "homes")]) {
        const st = statSync(dir);
        expect([st.uid, st.mode & 0o777], dir).toEqual([0, 0o711]);
      }
      // The policy sandbox's home is its uid's.
      const policy = statSync(join(setup.identity.dir, "homes", "policy-sandbox"));
      expect(policy.uid).toBeGreaterThanOrEqual(2_096_000);
      expect([policy.gid, policy.mode & 0o777]).toEqual([policy.uid, 0o700]);
      expect(lines.map((l) => l.msg)).toContain("workloads run as a user of their own each");
      expect(() => setUp("2096999-2096000")).toThrow(/AIOS_WORKLOAD_UIDS: the last uid 2096000 is below/);
    },
  );

  it.runIf(process.getuid?.() === 0)(
    "as root: AIOS_HOME is 0711 and its folders 0700 (PostgreSQL's left as it is); AIOS_WORKLOAD_UIDS=off: the workloads' directory is the workload user's",
    () => {
      const { home, setup, lines } = setUp("off");
      expect(statSync(home).mode & 0o777).toBe(0o711);
      for (const dir of ["tokens", "web"]) expect(statSync(join(home, dir)).mode & 0o777, dir).toBe(0o700);
      expect(statSync(join(home, "postgres")).mode & 0o777).toBe(0o750);
      const owner = statSync(setup.identity.dir);
      expect([owner.uid, owner.mode & 0o777]).toEqual([setup.identity.user?.uid, 0o700]);
      expect(setup.identity.user?.uid).not.toBe(0);
      expect(lines.map((l) => l.msg)).toContain("workloads run as an unprivileged user");
    },
  );

  it.runIf(process.getuid?.() === 0)(
    "as root: refuses a workloads' directory its user cannot reach, naming it",
    () => {
      const hidden = mkdtempSync(join(tmpdir(), "aios-setup-hidden-")); // 0700
      expect(() =>
        setUpWorkloads(
          {
            AIOS_HOME: join(hidden, "home"),
            AIOS_CLUSTER_ID: "local",
            AIOS_WORKLOAD_USER: "nobody",
            AIOS_WORKLOAD_UIDS: "off",
            runtimePolicy: { isolation: "process", limits: { cpuTimeMs: 30, memoryMb: 48 } },
          },
          recordingLog().log,
          repoRoot,
        ),
      ).toThrow(`is out of nobody's reach: give ${hidden} o+x, or set AIOS_WORKLOAD_DIR elsewhere`);
    },
  );

  it.runIf(process.getuid?.() !== 0)("not root: workloads run as the agent, and the log says so", () => {
    const { setup, lines } = setUp();
    expect(setup.identity.user).toBeNull();
    expect(lines.map((l) => l.msg)).toContain("workloads run as the agent's own user: the agent is not root");
  });
});
