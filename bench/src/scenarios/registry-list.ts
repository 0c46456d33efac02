import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { LIST_PAGE_SIZE } from "@aios/contracts";
import { createTestDatabase, startTestServer, type TestDatabase, type TestServer } from "@aios/db/testing";
import { findFreePort, waitForPort } from "@aios/service-kit";
import { type Figures, round, type Scenario } from "../measure";
import { measureInTurns, ROOT } from "../process-start";
import { createRegistry, LARGE, type RegistrySize, SMALL } from "./registry-fleet";

const MAX_RATIO = 3;

export interface RegistryListRun {
  large: RegistrySize;
  small: RegistrySize;
  n: number;
  warmup: number;
}

const FULL: RegistryListRun = { large: LARGE, small: SMALL, n: 1000, warmup: 100 };

/** A real API process on its own database, and how much memory it holds. */
interface Api {
  url: string;
  memory(): { rssMb: number; peakRssMb: number };
  stop(): Promise<void>;
}

/** The console's first page of a registry: the rows it shows and one more, to know there is a next page. */
const FIRST_PAGE = { limit: LIST_PAGE_SIZE + 1, offset: 0 };

/**
 * What a page of a registry costs as the registry grows: the console's blocks page (its `blocks.list`
 * call, which the console's server forwards as it is) against a real API process over a registry of
 * 1,000 blocks, 10,000 instances and 100 vDAGs, vs the same call to a second API process over 10
 * blocks, in the same PostgreSQL, in turns. Beside it: the vDAGs page, the overview's counts, and
 * each API's resident memory after the run.
 */
export const registryListBlocks = registryListScenario();

export function registryListScenario(run: RegistryListRun = FULL): Scenario {
  const OPTS = { n: run.n, warmup: run.warmup };
  const { large: L, small: S } = run;
  return {
    name: "registry.list-blocks",
    description: `the console's page of blocks (${LIST_PAGE_SIZE} rows) from an API over ${sizeOf(L)} vs over ${sizeOf(S)}`,
    async run() {
      let pg: TestServer | undefined;
      const apis: Api[] = [];
      try {
        pg = await startTestServer();
        const t0 = performance.now();
        const large = await startApi(pg, L);
        apis.push(large);
        const small = await startApi(pg, S);
        apis.push(small);
        process.stderr.write(
          `  registries generated and APIs started in ${Math.round(performance.now() - t0)} ms\n`,
        );
        await checkFirstPage(large.url, L);
        await checkFirstPage(small.url, S);

        const blocks = await measureInTurns(
          call(large.url, "blocks.list", FIRST_PAGE),
          call(small.url, "blocks.list", FIRST_PAGE),
          OPTS,
        );
        const vdags = await measureInTurns(
          call(large.url, "vdags.list", FIRST_PAGE),
          call(small.url, "vdags.list", FIRST_PAGE),
          OPTS,
        );
        const counts = await measureInTurns(
          call(large.url, "overview.counts", undefined),
          call(small.url, "overview.counts", undefined),
          OPTS,
        );
        const tenRows = await measureInTurns(
          call(large.url, "blocks.list", { limit: 10 }),
          call(small.url, "blocks.list", { limit: 10 }),
          OPTS,
        );
        const whole = await measureInTurns(
          call(large.url, "blocks.list", { limit: 1000 }),
          call(small.url, "blocks.list", { limit: 1000 }),
          { n: Math.ceil(run.n / 10), warmup: Math.ceil(run.warmup / 10) },
        );
        const line = (what: string, m: { measured: Figures; baseline: Figures }) =>
          `  ${what}: p50 ${m.measured.p50_ms} ms vs ${m.baseline.p50_ms} ms (${round(m.measured.p50_ms / m.baseline.p50_ms)}x), p99 ${m.measured.p99_ms} vs ${m.baseline.p99_ms} ms\n`;
        const memory = (api: Api) => {
          const m = api.memory();
          return `rss ${m.rssMb} MB (peak ${m.peakRssMb} MB)`;
        };
        process.stderr.write(
          line("blocks.list, the same 10 rows from each", tenRows) +
            line("blocks.list, 1,000 rows (the console's request before it paged)", whole) +
            line("vdags.list, first page", vdags) +
            line("overview.counts", counts) +
            `  API memory after the run: large registry ${memory(large)}; small registry ${memory(small)}\n`,
        );
        const ratio = round(blocks.measured.p50_ms / blocks.baseline.p50_ms);
        return {
          scenario: this.name,
          measured: blocks.measured,
          baseline: { name: "the same page over 10 blocks", ...blocks.baseline },
          ratio,
          target: `a page at 1,000 blocks within ${MAX_RATIO}x of it at 10`,
          met: ratio <= MAX_RATIO,
        };
      } finally {
        for (const api of apis.reverse()) await api.stop();
        await pg?.stop();
      }
    },
  };
}

function blocksOf(size: RegistrySize): number {
  return size.clusters * size.blocksPerCluster;
}

function sizeOf(size: RegistrySize): string {
  const blocks = blocksOf(size);
  return `${blocks.toLocaleString("en")} blocks, ${(blocks * size.instancesPerBlock).toLocaleString("en")} instances and ${size.vdags} vDAG${size.vdags === 1 ? "" : "s"}`;
}

/** The page measured is the one the console shows: its rows, newest first, and the counts right. */
async function checkFirstPage(apiUrl: string, size: RegistrySize): Promise<void> {
  const get = async <T>(path: string, input?: unknown) => {
    const q = input === undefined ? "" : `?input=${encodeURIComponent(JSON.stringify(input))}`;
    const res = await fetch(`${apiUrl}/trpc/${path}${q}`);
    if (!res.ok) throw new Error(`${path}: HTTP ${res.status} ${await res.text()}`);
    return ((await res.json()) as { result: { data: T } }).result.data;
  };
  const page = await get<Array<{ createdAt: string }>>("blocks.list", FIRST_PAGE);
  const expected = Math.min(blocksOf(size), FIRST_PAGE.limit);
  const times = page.map((b) => b.createdAt);
  if (page.length !== expected || times.some((t, i) => i > 0 && t > (times[i - 1] ?? t)))
    throw new Error(
      `blocks.list answered ${page.length} rows (expected ${expected}), newest first: ${times.join(", ")}`,
    );
  const counts = await get<{ blocks: number; vdags: number }>("overview.counts");
  if (counts.blocks !== blocksOf(size) || counts.vdags !== size.vdags)
    throw new Error(`overview.counts answered ${JSON.stringify(counts)} for ${sizeOf(size)}`);
}

/** A tRPC query as the console's client sends it (GET, input in the URL). */
function call(apiUrl: string, path: string, input: unknown) {
  const url =
    input === undefined
      ? `${apiUrl}/trpc/${path}`
      : `${apiUrl}/trpc/${path}?input=${encodeURIComponent(JSON.stringify(input))}`;
  return async () => {
    const res = await fetch(url);
    const body = await res.text();
    if (!res.ok) throw new Error(`${path}: HTTP ${res.status} ${body.slice(0, 300)}`);
  };
}

/** `npm start`'s API (`apps/api/src/main.ts`, PostgreSQL queues) on a database holding a registry of `size`. */
async function startApi(pg: TestServer, size: RegistrySize): Promise<Api> {
  let database: TestDatabase | undefined;
  let child: ChildProcess | undefined;
  const stop = async () => {
    if (child && child.exitCode === null && child.signalCode === null) {
      const gone = new Promise((r) => child?.once("exit", r));
      child.kill("SIGTERM");
      await Promise.race([gone, new Promise((r) => setTimeout(r, 10_000))]);
    }
    try {
      if (child?.pid) process.kill(-child.pid, "SIGKILL"); // its sandbox and compiler too
    } catch {
      // the group is gone already
    }
    await database?.drop().catch(() => undefined);
  };
  try {
    database = await createTestDatabase(pg.adminUrl, "aios_bench");
    await createRegistry(database.db, size);
    const port = await findFreePort();
    let stderr = "";
    child = spawn(process.execPath, ["--import", "tsx", "apps/api/src/main.ts"], {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH ?? "",
        HOME: process.env.HOME ?? "/root",
        DATABASE_URL: database.url,
        AIOS_API_PORT: String(port),
        AIOS_GRPC_PORT: "off",
        AIOS_QUEUE_BACKEND: "postgres",
        AIOS_LOG_LEVEL: "warn",
      },
      stdio: ["ignore", "ignore", "pipe"],
      detached: true,
    });
    child.stderr?.on("data", (d: Buffer) => (stderr = (stderr + d.toString()).slice(-2000)));
    const exited = new Promise<never>((_, reject) =>
      child?.once("exit", (code) => reject(new Error(`the API exited ${code}: ${stderr}`))),
    );
    await Promise.race([waitForPort(port, 60_000), exited]);
    const pid = child.pid ?? 0;
    return { url: `http://127.0.0.1:${port}`, memory: () => memoryOf(pid), stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** VmRSS and VmHWM (the peak) of a process, from /proc. */
function memoryOf(pid: number): { rssMb: number; peakRssMb: number } {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = (field: string) =>
    Number(new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(status)?.[1] ?? Number.NaN);
  return { rssMb: Math.round(kb("VmRSS") / 1024), peakRssMb: Math.round(kb("VmHWM") / 1024) };
}
