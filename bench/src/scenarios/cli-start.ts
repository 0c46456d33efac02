import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createTestDatabase, startTestServer } from "@aios/db/testing";
import { findFreePort, waitForPort } from "@aios/service-kit";
import { measure, round, type Scenario } from "../measure";
import { measureInTurns, ROOT, runNode } from "../process-start";

const MAX_RATIO = 3;
const CLI = "packages/client/bin/aios.mjs";
/** The CLI as it ran before it was bundled: its TypeScript compiled by tsx at every start. */
const CLI_FROM_SOURCE = [
  "--import",
  "tsx",
  "--input-type=module",
  "-e",
  'import { main } from "./packages/client/src/cli/main.ts"; process.exitCode = await main(process.argv.slice(1));',
  "--",
];

/**
 * What a CLI call costs: `aios get clusters` (node bin/aios.mjs, the bundled CLI) against a real API
 * process on its own database, start to exit, against `node -e 0`, the floor of any Node program.
 */
export const cliStart: Scenario = {
  name: "cli.get-clusters",
  description: "`aios get clusters` against a real API, start to exit, vs `node -e 0`",
  async run() {
    const api = await startApi();
    const dir = mkdtempSync(join(tmpdir(), "aios-bench-cli-"));
    try {
      const env = { AIOS_API_URL: api.url, AIOS_HOME: dir };
      const spec = join(dir, "cluster.json");
      const values = { id: "bench-cli", tags: [], config: { publicHostname: "127.0.0.1" } };
      writeFileSync(
        spec,
        JSON.stringify({
          header: { templateUri: "Parser/V1", action: "createCluster" },
          body: { spec: { values } },
        }),
      );
      await runNode([CLI, "apply", "-f", spec], env);
      const { measured, baseline } = await measureInTurns(
        async () => {
          if (!(await runNode([CLI, "get", "clusters"], env)).includes("bench-cli")) {
            throw new Error("aios get clusters did not list the cluster bench-cli");
          }
        },
        () => runNode(["-e", "0"]),
        { n: 20, warmup: 2 },
      );
      const fromSource = await measure(() => runNode([...CLI_FROM_SOURCE, "get", "clusters"], env), {
        n: 5,
        warmup: 1,
      });
      process.stderr.write(
        `  the same call from the TypeScript source through tsx: p50 ${fromSource.p50_ms} ms\n`,
      );
      const ratio = round(measured.p50_ms / baseline.p50_ms);
      return {
        scenario: this.name,
        measured,
        baseline: { name: "node -e 0", ...baseline },
        ratio,
        target: `p50 within ${MAX_RATIO}x of node -e 0`,
        met: ratio <= MAX_RATIO,
      };
    } finally {
      rmSync(dir, { recursive: true, force: true });
      await api.stop();
    }
  },
};

/** The API process (`apps/api/src/main.ts`) on a fresh database, queues in PostgreSQL. */
async function startApi(): Promise<{ url: string; stop: () => Promise<void> }> {
  const server = await startTestServer();
  const database = await createTestDatabase(server.adminUrl, "aios_bench");
  const port = await findFreePort();
  const child: ChildProcess = spawn(process.execPath, ["--import", "tsx", "apps/api/src/main.ts"], {
    cwd: ROOT,
    env: {
      ...process.env,
      DATABASE_URL: database.url,
      AIOS_QUEUE_BACKEND: "postgres",
      AIOS_API_PORT: String(port),
      AIOS_LOG_LEVEL: "warn",
    },
    stdio: ["ignore", "ignore", "inherit"],
  });
  const stop = async () => {
    if (child.exitCode === null) {
      await new Promise<void>((done) => {
        child.once("exit", () => done());
        child.kill("SIGTERM");
      });
    }
    await database.drop();
    await server.stop();
  };
  try {
    await waitForPort(port, 60_000);
  } catch (err) {
    await stop();
    throw err;
  }
  return { url: `http://127.0.0.1:${port}`, stop };
}
