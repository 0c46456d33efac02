import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { GridCommand } from "./args";
import type { GridConfig } from "./config";
import { GridError } from "./errors";
import { gridBaseEnv, startInHost } from "./host-processes";
import {
  adminClient,
  adminTokenFileOf,
  createCluster,
  issueJoinToken,
  MANAGEMENT_PORTS,
  managementEnv,
  redisPasswordFileOf,
  waitFor,
  waitForApi,
} from "./management";
import { addBridge, addHost, addUnreachableRoute } from "./network";
import { startNodeAgent, waitForNode, writeFakeGpus } from "./node-hosts";
import { clusterIdOf, planGrid } from "./plan";
import { assertCanBringUp } from "./preflight";
import { type TGridState, type THostState, writeState } from "./state";
import { canConnect } from "./tcp";

type UpCommand = Extract<GridCommand, { command: "up" }>;

function initialState(config: GridConfig, cmd: UpCommand): TGridState {
  const plan = planGrid({
    name: config.name,
    subnet: config.subnet,
    clusters: cmd.clusters,
    nodes: cmd.nodes,
  });
  const hosts: THostState[] = plan.hosts.map((h) => {
    const dir = join(config.home, "hosts", h.name);
    return {
      ...h,
      home: join(dir, "home"),
      workloadDir: h.role === "node" ? join(dir, "workloads") : null,
      log: join(dir, `${h.name}.log`),
      pid: null,
      joinTokenFile: h.role === "node" ? join(dir, "join-token") : null,
      fakeGpusFile: h.role === "node" && cmd.gpus > 0 ? join(dir, "gpus.json") : null,
    };
  });
  const mgmt = hosts[0] as THostState;
  return {
    version: 1,
    phase: "starting",
    name: plan.name,
    subnet: plan.subnet,
    bridge: plan.bridge,
    clusters: cmd.clusters,
    nodesPerCluster: cmd.nodes,
    gpus: cmd.gpus,
    console: cmd.console,
    apiUrl: `http://${mgmt.address}:${MANAGEMENT_PORTS.api}`,
    consoleUrl: cmd.console ? `http://${mgmt.address}:${MANAGEMENT_PORTS.console}` : null,
    adminTokenFile: adminTokenFileOf(mgmt),
    redis: { port: MANAGEMENT_PORTS.redis, passwordFile: redisPasswordFileOf(mgmt) },
    hosts,
    startedAt: new Date().toISOString(),
  };
}

/**
 * Brings the grid up: the unreachable route first, then the bridge and every host, the management
 * host's launcher, the clusters, and one node agent per node host joining with a join token of its
 * own; returns once the API answers and every node heartbeats (and the console listens, if asked).
 */
export async function up(
  config: GridConfig,
  cmd: UpCommand,
  say: (line: string) => void,
): Promise<TGridState> {
  assertCanBringUp(config);
  const state = initialState(config, cmd);
  writeState(config.home, state); // before the network changes: `down` knows its name and subnet
  try {
    return await bringUp(config, state, say);
  } catch (err) {
    throw failedUp(err, config);
  }
}

async function bringUp(
  config: GridConfig,
  state: TGridState,
  say: (line: string) => void,
): Promise<TGridState> {
  const save = () => writeState(config.home, state);
  const plan = { name: state.name, subnet: state.subnet, bridge: state.bridge, hosts: state.hosts };

  addUnreachableRoute(state.subnet);
  say(`route: unreachable ${state.subnet} (the grid's packets never leave this machine)`);
  addBridge(plan);
  for (const host of state.hosts) {
    mkdirSync(join(config.home, "hosts", host.name), { recursive: true, mode: 0o711 });
    addHost(plan, host);
  }
  say(`hosts: ${state.hosts.map((h) => `${h.name} ${h.address}`).join(", ")}`);

  const [mgmt, ...nodes] = state.hosts as [THostState, ...THostState[]];
  mgmt.pid = startInHost({
    namespace: mgmt.namespace,
    command: [process.execPath, "--import", "tsx", "apps/launcher/src/main.ts"],
    env: { ...gridBaseEnv(), ...managementEnv(mgmt, { console: state.console, subnet: state.subnet }) },
    cwd: config.repoRoot,
    log: mgmt.log,
  });
  save();
  say(`mgmt: PostgreSQL, Redis and the API starting (log ${mgmt.log})`);
  await waitForApi(mgmt, state.apiUrl);
  const api = await adminClient(mgmt, state.apiUrl);
  say(`api: ${state.apiUrl} answers`);

  for (let k = 1; k <= state.clusters; k++) {
    const clusterId = clusterIdOf(k);
    const first = nodes.find((n) => n.clusterId === clusterId);
    await createCluster(api, clusterId, first?.address ?? mgmt.address);
  }
  for (const node of nodes) {
    const joinToken = await issueJoinToken(api, node.clusterId ?? "");
    writeFileSync(node.joinTokenFile ?? "", `${joinToken}\n`, { mode: 0o600 });
    if (node.fakeGpusFile) writeFakeGpus(node.fakeGpusFile, state.gpus);
    mkdirSync(node.home, { recursive: true });
    node.pid = startNodeAgent(config, state, node);
    save();
  }
  say(`agents: ${nodes.length} starting, each joining its cluster with its own join token`);
  for (const node of nodes) await waitForNode(api, node);
  say(`nodes: ${nodes.map((n) => n.nodeId).join(", ")} registered`);

  if (state.consoleUrl) {
    say("console: building and starting (the first build takes a few minutes; --no-console skips it)");
    await waitFor("the console to listen", mgmt, 20 * 60_000, async () =>
      (await canConnect(mgmt.address, MANAGEMENT_PORTS.console)) ? true : null,
    );
  }
  state.phase = "up";
  save();
  return state;
}

function failedUp(err: unknown, config: GridConfig): GridError {
  const message = err instanceof Error ? err.message : String(err);
  return new GridError(
    `up failed: ${message}\n  what was made stays for its logs (${join(config.home, "hosts")}): \`npm run grid -- down\` removes it`,
  );
}
