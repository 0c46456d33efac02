import { appendFileSync, mkdirSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { findFreePort, startChild, waitForPort } from "@aios/service-kit";
import type { Driver, Workload, WorkloadSpec } from "./driver";

const RING = 2_000;

/**
 * Runs workloads as child processes of the agent: `node --import tsx <entry>` with PORT and the
 * spec's environment, each in its own process group (stopping it stops what it started), its output
 * kept in memory and appended to `<logDir>/<name>.log`.
 */
export function createProcessDriver(opts: { repoRoot: string; logDir: string; host?: string }): Driver {
  const host = opts.host ?? "127.0.0.1";
  return {
    name: "process",
    async start(spec: WorkloadSpec): Promise<Workload> {
      const port = await findFreePort();
      const lines: string[] = [];
      const logFile = join(opts.logDir, `${spec.name}.log`);
      mkdirSync(dirname(logFile), { recursive: true });
      const visible = spec.gpus.join(",");
      const child = startChild({
        name: spec.name,
        command: process.execPath,
        args: ["--no-node-snapshot", "--import", "tsx", resolve(opts.repoRoot, spec.entry)],
        cwd: opts.repoRoot,
        env: {
          ...spec.env,
          PORT: String(port),
          CUDA_VISIBLE_DEVICES: visible,
          NVIDIA_VISIBLE_DEVICES: visible,
        },
        onLine: (line) => {
          lines.push(line);
          if (lines.length > RING) lines.splice(0, lines.length - RING);
          appendFileSync(logFile, `${line}\n`);
        },
      });
      const workload: Workload = {
        name: spec.name,
        endpoint: `http://${host}:${port}`,
        pid: child.pid,
        exited: child.exited.then(({ code, signal }) => ({ code, signal })),
        logs: (limit = 200) => lines.slice(-limit),
        stop: () => child.stop(5_000),
      };
      try {
        await Promise.race([
          waitForPort(port, 60_000),
          child.exited.then(({ code, signal }) => {
            throw new Error(
              `${spec.name} exited while starting (${code ?? signal}): ${lines.slice(-5).join(" | ")}`,
            );
          }),
        ]);
      } catch (err) {
        await child.stop(1_000);
        throw err;
      }
      return workload;
    },
  };
}
