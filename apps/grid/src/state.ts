import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import { GridError } from "./errors";

const ZHostState = z.object({
  name: z.string(),
  role: z.enum(["management", "node"]),
  namespace: z.string(),
  link: z.string(),
  address: z.string(),
  clusterId: z.string().nullable(),
  nodeId: z.string().nullable(),
  workloadUids: z.string().nullable(),
  /** Its AIOS_HOME and, for a node, AIOS_WORKLOAD_DIR. */
  home: z.string(),
  workloadDir: z.string().nullable(),
  log: z.string(),
  /** The pid of the process the grid started there (the launcher, or the node agent). */
  pid: z.number().int().nullable(),
  /** A node's join token file (one-time, exchanged by its agent for an agent token of its own). */
  joinTokenFile: z.string().nullable(),
  /** A node's fake nvidia-smi state file (--gpus), else null. */
  fakeGpusFile: z.string().nullable(),
});
export type THostState = z.infer<typeof ZHostState>;

/** How a data store of the management host ran, kept by `stop-store` for `start-store`. */
const ZStoppedStore = z.object({
  argv: z.array(z.string()),
  cwd: z.string(),
  uid: z.number().int(),
  gid: z.number().int(),
  env: z.record(z.string(), z.string()),
});
export type TStoppedStore = z.infer<typeof ZStoppedStore>;

/** What `up` made, written as it goes: `down` removes it all even after a half-failed `up`. */
export const ZGridState = z.object({
  version: z.literal(1),
  /** `starting` until every node agent registered; then `up`. */
  phase: z.enum(["starting", "up"]),
  name: z.string(),
  subnet: z.string(),
  bridge: z.object({ name: z.string(), address: z.string(), cidr: z.string() }),
  clusters: z.number().int(),
  nodesPerCluster: z.number().int(),
  gpus: z.number().int(),
  console: z.boolean(),
  apiUrl: z.string(),
  consoleUrl: z.string().nullable(),
  adminTokenFile: z.string(),
  redis: z.object({ port: z.number().int(), passwordFile: z.string() }),
  hosts: z.array(ZHostState),
  /** The management host's stores stopped by `stop-store`, until `start-store`. */
  stoppedStores: z.object({ redis: ZStoppedStore.optional(), postgres: ZStoppedStore.optional() }).optional(),
  startedAt: z.string(),
});
export type TGridState = z.infer<typeof ZGridState>;

export const stateFile = (home: string) => join(home, "state.json");

export function readState(home: string): TGridState | null {
  const file = stateFile(home);
  if (!existsSync(file)) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, "utf8"));
  } catch (err) {
    throw new GridError(
      `${file} is not JSON (${(err as Error).message}): \`npm run grid -- down\` removes the grid`,
    );
  }
  const state = ZGridState.safeParse(parsed);
  if (!state.success)
    throw new GridError(`${file} is not a grid's state: \`npm run grid -- down\` removes the grid`);
  return state.data;
}

/** Written whole or not at all (a temporary file renamed). */
export function writeState(home: string, state: TGridState): void {
  // 0711: the hosts' workload users and PostgreSQL's pass through to their own folders, list nothing.
  mkdirSync(home, { recursive: true, mode: 0o711 });
  const file = stateFile(home);
  writeFileSync(`${file}.tmp`, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
  renameSync(`${file}.tmp`, file);
}

/** The host named `name`, or a GridError listing the grid's hosts. */
export function hostOf(state: TGridState, name: string): THostState {
  const host = state.hosts.find((h) => h.name === name);
  if (!host)
    throw new GridError(
      `no host ${JSON.stringify(name)} in the grid: its hosts are ${state.hosts.map((h) => h.name).join(", ")}`,
    );
  return host;
}
