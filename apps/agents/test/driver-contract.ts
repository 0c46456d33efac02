import { describe, expect, it } from "vitest";
import type { Driver, WorkloadKind } from "../src/drivers/driver";

const ENTRY = "apps/agents/test/fixtures/http-hello.ts";

/**
 * What every driver (processes, Kubernetes) must do; run it with a driver of your own. Each call of
 * `makeDriver` is a new driver (a new agent's), used once it is `ready`. `kind`: the kind of the
 * workloads started (a driver may run the platform's runtimes otherwise than instances); their
 * names then begin with it.
 */
export function driverContract(
  name: string,
  makeDriver: () => Driver | Promise<Driver>,
  opts: { kind?: WorkloadKind } = {},
) {
  const kind = opts.kind ?? "instance";
  const n = (workload: string) => (kind === "instance" ? workload : `${kind}-${workload}`);
  const fresh = async (): Promise<Driver> => {
    const driver = await makeDriver();
    await driver.ready?.();
    return driver;
  };
  describe(`${name} driver contract${kind === "instance" ? "" : ` (${kind})`}`, () => {
    it("starts a workload that answers at its endpoint, with its environment and logs", async () => {
      const w = await (await fresh()).start({
        name: n("hello-1"),
        kind,
        entry: ENTRY,
        env: { GREETING: "aios" },
        gpus: [],
      });
      try {
        const res = await fetch(w.endpoint);
        expect(await res.json()).toEqual({ hello: "aios" });
        expect(w.logs().join("\n")).toMatch(/listening on \d+/);
      } finally {
        await w.stop();
      }
      const exit = await w.exited;
      expect(exit.code === 0 || exit.signal === "SIGTERM").toBe(true);
      await expect(fetch(w.endpoint)).rejects.toThrow();
    });

    it("rejects a workload that dies at start, with its last lines", async () => {
      await expect(
        (await fresh()).start({
          name: n("hello-bad"),
          kind,
          entry: ENTRY,
          env: { FAIL_AT_START: "1" },
          gpus: [],
        }),
      ).rejects.toThrow(/exited while starting .*FAIL_AT_START/);
    });

    it("reports a workload that crashes later through `exited`", async () => {
      const w = await (await fresh()).start({
        name: n("hello-2"),
        kind,
        entry: ENTRY,
        env: {},
        gpus: [],
      });
      // It kills itself: a driver need not expose a pid (a pod has none here).
      await fetch(`${w.endpoint}/crash`).catch(() => undefined);
      expect((await w.exited).signal).toBe("SIGKILL");
      await w.stop();
    });

    it("lets a new driver adopt a running workload by name, labels kept", async () => {
      const first = await fresh();
      const w = await first.start({
        name: n("hello-3"),
        kind,
        entry: ENTRY,
        env: {},
        gpus: [],
        labels: { config: "abc" },
      });
      const adopted = (await fresh()).adopt(n("hello-3"));
      expect(adopted?.endpoint).toBe(w.endpoint);
      expect(adopted?.labels).toEqual({ config: "abc" });
      expect((await fresh()).list()).toContain(n("hello-3"));
      await adopted?.stop();
      await adopted?.exited;
      expect((await fresh()).adopt(n("hello-3"))).toBeNull();
      expect((await fresh()).list()).not.toContain(n("hello-3"));
    });

    it("hands a workload its control and data tokens and gives them back on adoption; none to others", async () => {
      const w = await (await fresh()).start({
        name: n("hello-4"),
        kind,
        entry: ENTRY,
        env: {},
        gpus: [],
        controlToken: "token-of-hello-4-0123456789",
        dataToken: "data-token-of-hello-4-0123",
      });
      const plain = await (await fresh()).start({
        name: n("hello-5"),
        kind,
        entry: ENTRY,
        env: {},
        gpus: [],
      });
      try {
        expect(w.controlToken).toBe("token-of-hello-4-0123456789");
        expect(w.dataToken).toBe("data-token-of-hello-4-0123");
        expect(await (await fetch(`${w.endpoint}/control-token`)).json()).toEqual({
          controlToken: "token-of-hello-4-0123456789",
          dataToken: "data-token-of-hello-4-0123",
        });
        const adopted = (await fresh()).adopt(n("hello-4"));
        expect([adopted?.controlToken, adopted?.dataToken]).toEqual([
          "token-of-hello-4-0123456789",
          "data-token-of-hello-4-0123",
        ]);
        expect([plain.controlToken, plain.dataToken]).toEqual([null, null]);
        expect(await (await fetch(`${plain.endpoint}/control-token`)).json()).toEqual({
          controlToken: null,
          dataToken: null,
        });
      } finally {
        await Promise.all([w.stop(), plain.stop()]);
      }
    });

    it("runs a job to completion, line by line, with its exit code", async () => {
      const lines: string[] = [];
      const ok = await (await fresh()).runJob({
        name: "job-1",
        entry: "apps/agents/test/fixtures/job-stages.ts",
        env: { AIOS_INIT_MODE: "install" },
        timeoutMs: 30_000,
        onLine: (l) => lines.push(l),
      });
      expect(ok.code).toBe(0);
      expect(lines).toEqual(['{"stage":"begin"}', "mode=install"]);
      const failed = await (await fresh()).runJob({
        name: "job-2",
        entry: "apps/agents/test/fixtures/job-stages.ts",
        env: { JOB_EXIT: "4" },
        timeoutMs: 30_000,
      });
      expect(failed.code).toBe(4);
    });

    it("refuses to start anything once closed; what runs can still be adopted and stopped", async () => {
      const driver = await fresh();
      const running = await driver.start({
        name: n("hello-6"),
        kind,
        entry: ENTRY,
        env: {},
        gpus: [],
      });
      const starting = driver.start({ name: n("hello-7"), kind, entry: ENTRY, env: {}, gpus: [] });
      driver.close();
      await expect(starting).rejects.toThrow(/the agent is stopping/);
      await expect(
        driver.start({ name: n("hello-8"), kind, entry: ENTRY, env: {}, gpus: [] }),
      ).rejects.toThrow(new RegExp(`not starting ${n("hello-8")}: the agent is stopping`));
      await expect(
        driver.runJob({
          name: "job-3",
          entry: "apps/agents/test/fixtures/job-stages.ts",
          env: {},
          timeoutMs: 5_000,
        }),
      ).rejects.toThrow(/the agent is stopping/);
      expect(driver.list()).not.toContain(n("hello-7"));
      const adopted = driver.adopt(n("hello-6"));
      expect(adopted?.pid).toBe(running.pid);
      await adopted?.stop();
      expect(driver.list()).not.toContain(n("hello-6"));
    });
  });
}
