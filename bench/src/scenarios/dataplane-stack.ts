import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { inApplyOrder, loadSpecFile } from "@aios/contracts/files";
import { createTestDatabase, startTestServer, type TestDatabase, type TestServer } from "@aios/db/testing";
import {
  descendantsOf,
  findFreePort,
  isRunning,
  type ProcessInfo,
  stopProcesses,
  waitForExit,
  waitForPort,
} from "@aios/service-kit";
import { ROOT } from "../process-start";

/** What a block's own figures say (`GET /status` of its executor). */
export interface ExecutorStatus {
  inFlight: number;
  instances: Array<{ id: string; state: string; inFlight: number; latencyP50Ms: number | null }>;
  autoscaler: {
    rounds: number;
    metrics: { inFlight: number; queueLength: number; avgInFlight: number; instances: number } | null;
  };
}

/** The product on this machine as `npm start` runs it, without the console: its processes and how to reach them. */
export interface Stack {
  apiUrl: string;
  /** The API's database (to read its figures: statements, transactions). */
  databaseUrl: string;
  /** A data key scoped to the block (what a client of the data plane holds). */
  dataKey: string;
  executor: { url: string; dataToken: string | null };
  status(): Promise<ExecutorStatus>;
  stop(): Promise<string[]>;
}

export interface StackOptions {
  blockId: string;
  /** Block values beside the id, component and cluster (min/maxInstances, initSettings, parameters). */
  block: Record<string, unknown>;
  /** Env of the API process beside its database and port. */
  apiEnv?: Record<string, string>;
  /** Node flags of the API process (`--cpu-prof`, to see where its time goes). */
  apiNodeArgs?: string[];
}

/** A tRPC call to the API (POST a mutation, GET a query), its data or an error naming the path. */
export const trpc = async <T>(
  apiUrl: string,
  path: string,
  input: unknown,
  method: "GET" | "POST" = "POST",
) => {
  const url =
    method === "GET"
      ? `${apiUrl}/trpc/${path}?input=${encodeURIComponent(JSON.stringify(input))}`
      : `${apiUrl}/trpc/${path}`;
  const res = await fetch(url, {
    method,
    headers: { "content-type": "application/json" },
    ...(method === "POST" ? { body: JSON.stringify(input) } : {}),
    signal: AbortSignal.timeout(30_000),
  });
  const body = (await res.json()) as { result?: { data: T }; error?: { message?: string } };
  if (!res.ok || !body.result) throw new Error(`${path}: HTTP ${res.status} ${JSON.stringify(body.error)}`);
  return body.result.data;
};

/** Polls `check` until it holds, or throws naming `what` after `timeoutMs`. */
export async function waitUntil(what: string, check: () => Promise<boolean>, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

function started(args: string[], env: Record<string, string>, name: string, output: string[]) {
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "/root", ...env },
    stdio: ["ignore", "ignore", "pipe"],
    detached: true,
  });
  child.stderr?.on("data", (d: Buffer) => {
    output.push(`${name}: ${d.toString().trimEnd()}`);
    if (output.length > 50) output.shift();
  });
  return child;
}

const exited = (child: ChildProcess) => child.exitCode !== null || child.signalCode !== null;

/**
 * A real API process (PostgreSQL queues, its own database) and a real cluster agent process, which
 * starts the block's executor and instances as processes, as it does for any block; the examples'
 * components applied and one block created from `model.echo`. `stop()` stops everything it
 * started, also what the agent started, and answers what had to be killed (empty: nothing).
 */
export async function startStack(opts: StackOptions): Promise<Stack> {
  const output: string[] = [];
  const children: ChildProcess[] = [];
  /** Everything seen running under the bench since the stack started (the agent's workloads included). */
  const seen = new Map<number, ProcessInfo>();
  const before = new Set(descendantsOf(process.pid).map((p) => p.pid));
  const note = () => {
    for (const p of descendantsOf(process.pid)) if (!before.has(p.pid)) seen.set(p.pid, p);
  };
  const home = mkdtempSync(join(tmpdir(), "aios-bench-dataplane-"));
  let server: TestServer | undefined;
  let database: TestDatabase | undefined;
  let stopping: Promise<string[]> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      note();
      // The agent first (SIGTERM: it stops its block's processes), then the API.
      for (const child of [...children].reverse()) {
        if (exited(child)) continue;
        const gone = new Promise<void>((r) => child.once("exit", () => r()));
        child.kill("SIGTERM");
        await Promise.race([gone, new Promise((r) => setTimeout(r, 20_000))]);
      }
      // What they started in their own process groups (the API's policy sandbox, tsx's compiler) goes too.
      for (const child of children) {
        try {
          process.kill(-(child.pid ?? 0), "SIGKILL");
        } catch {
          // the group is gone already
        }
      }
      await waitForExit([...seen.keys()], 5_000);
      const left = [...seen.values()].filter((p) => isRunning(p.pid));
      if (left.length > 0) await stopProcesses(left);
      await database?.drop().catch(() => undefined);
      await server?.stop().catch(() => undefined);
      rmSync(home, { recursive: true, force: true });
      return left.map((p) => `${p.pid} ${p.argv.slice(0, 4).join(" ")}`);
    })();
    return stopping;
  };
  try {
    server = await startTestServer();
    database = await createTestDatabase(server.adminUrl, "aios_bench");
    const apiPort = await findFreePort();
    const apiUrl = `http://127.0.0.1:${apiPort}`;
    const common = { AIOS_QUEUE_BACKEND: "postgres", AIOS_LOG_LEVEL: "warn" };
    const api = started(
      [...(opts.apiNodeArgs ?? []), "--import", "tsx", "apps/api/src/main.ts"],
      {
        ...common,
        DATABASE_URL: database.url,
        AIOS_API_PORT: String(apiPort),
        AIOS_GRPC_PORT: "off",
        ...opts.apiEnv,
      },
      "api",
      output,
    );
    children.push(api);
    await Promise.race([
      waitForPort(apiPort, 60_000),
      new Promise((_, reject) => api.once("exit", (code) => reject(new Error(`the API exited ${code}`)))),
    ]);
    const examples = resolve(ROOT, "examples/specs");
    for (const { document } of inApplyOrder(
      ["components.json", "policies.json"].flatMap((f) => loadSpecFile(join(examples, f))),
    )) {
      await trpc(apiUrl, "parser.applySpec", { document });
    }
    const clusterId = `bench-${Date.now().toString(36)}`;
    children.push(
      started(
        ["--import", "tsx", "apps/agents/src/main.ts"],
        {
          ...common,
          AIOS_API_URL: apiUrl,
          AIOS_CLUSTER_ID: clusterId,
          AIOS_NODE_ID: `${clusterId}-node`,
          AIOS_QUEUE_URL: database.url,
          AIOS_HOME: home,
          AIOS_HEARTBEAT_SECONDS: "1",
          AIOS_BLOCK_WATCH_MS: "300",
          AIOS_STOP_WORKLOADS_ON_EXIT: "1",
          AIOS_AGENT_METRICS_PORT: "off",
        },
        "agent",
        output,
      ),
    );
    await waitUntil(
      "the agent to register",
      async () => (await trpc<unknown[]>(apiUrl, "nodes.list", { clusterId }, "GET")).length === 1,
      60_000,
    );
    const values = {
      blockComponentURI: "model.echo:1.0.0-stable",
      blockId: opts.blockId,
      clusterId,
      ...opts.block,
    };
    await trpc(apiUrl, "parser.applySpec", {
      document: { header: { templateUri: "Parser/V1", action: "createBlock" }, body: { spec: { values } } },
    });
    const { db } = database;
    let executor: Stack["executor"] | undefined;
    await waitUntil(
      "the block to run",
      async () => {
        note();
        const row = await db.block.findUnique({ where: { id: opts.blockId } });
        const runtime = (row?.doc as { runtime?: Record<string, unknown> } | undefined)?.runtime ?? {};
        if (row?.status !== "running" || typeof runtime.executorEndpoint !== "string") return false;
        executor = {
          url: runtime.executorEndpoint,
          dataToken: typeof runtime.executorDataToken === "string" ? runtime.executorDataToken : null,
        };
        return (await fetch(`${executor.url}/health`)).ok;
      },
      120_000,
    );
    note();
    const key = await trpc<{ token: string }>(apiUrl, "tokens.create", {
      name: "bench data key",
      role: "data",
      scopes: [`block:${opts.blockId}`],
    });
    const url = (executor as Stack["executor"]).url;
    return {
      apiUrl,
      databaseUrl: database.url,
      dataKey: key.token,
      executor: executor as Stack["executor"],
      status: async () => {
        note();
        const res = await fetch(`${url}/status`, { signal: AbortSignal.timeout(5_000) });
        return (await res.json()) as ExecutorStatus;
      },
      stop,
    };
  } catch (err) {
    await stop();
    throw new Error(`${(err as Error).message}\n${output.join("\n")}`);
  }
}
