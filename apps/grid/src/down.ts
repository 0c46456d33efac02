import { existsSync, readdirSync, rmdirSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { sharedDataDirFor } from "@aios/db";
import { processesOfHome } from "@aios/service-kit";
import type { GridConfig } from "./config";
import { GridError } from "./errors";
import { stopHostProcesses } from "./host-processes";
import { gridLeftovers, hasUnreachableRoute, removeNetwork, removeUnreachableRoute } from "./network";
import { readState, stateFile, type TGridState } from "./state";
import { formatCidr } from "./subnet";

/** How long the grid's processes get to stop (the launcher its data stores, agents their workloads). */
const STOP_GRACE_MS = 20_000;

function stateOrNull(home: string): TGridState | null {
  try {
    return readState(home);
  } catch {
    return null; // unreadable: the grid is found by its name and subnet instead
  }
}

/**
 * Removes the grid, whatever state it is in (a half-failed `up` too, or nothing at all): the
 * processes of every grid namespace, the namespaces, links and bridge, the data; and last the
 * unreachable route, only once no host of the grid is left.
 */
export async function down(config: GridConfig, say: (line: string) => void): Promise<void> {
  const state = stateOrNull(config.home);
  const name = state?.name ?? config.name;
  const subnet = state?.subnet ?? formatCidr(config.subnet);
  const bridge = state?.bridge.name ?? `${name}-br`;

  const { namespaces } = gridLeftovers(name);
  await Promise.all(namespaces.map((ns) => stopHostProcesses(ns, STOP_GRACE_MS)));
  // Anything of the grid that runs outside its namespaces (nothing should): found by its hosts'
  // folders (their AIOS_HOME, logs, workloads), not by AIOS_GRID_HOME itself, which the shell (and
  // `npm run`) this command was started from carries too.
  for (const p of processesOfHome(join(config.home, "hosts"))) {
    try {
      process.kill(p.pid, "SIGKILL");
    } catch {
      // gone
    }
  }
  if (namespaces.length > 0) say(`processes: stopped on ${namespaces.join(", ")}`);

  removeNetwork(name, bridge);
  const left = gridLeftovers(name);
  if (left.namespaces.length > 0 || left.links.length > 0)
    throw new GridError(
      `could not remove ${[...left.namespaces, ...left.links].join(", ")}; the unreachable route ${subnet} stays until they are gone`,
    );
  say(`network: namespaces, links and bridge ${bridge} removed`);

  removeData(config.home, state);
  if (hasUnreachableRoute(subnet)) {
    removeUnreachableRoute(subnet);
    say(`route: unreachable ${subnet} removed`);
  }
}

/** The state and every host's folder; the embedded PostgreSQL's data wherever it went. */
function removeData(home: string, state: TGridState | null) {
  const mgmt = state?.hosts.find((h) => h.role === "management");
  const homes = [mgmt?.home ?? join(home, "hosts", "mgmt", "home")];
  for (const h of homes) {
    const shared = dirname(sharedDataDirFor(h)); // /var/lib/aios/<hash of the home>
    rmSync(shared, { recursive: true, force: true });
  }
  rmSync(join(home, "hosts"), { recursive: true, force: true });
  rmSync(stateFile(home), { force: true });
  rmSync(`${stateFile(home)}.tmp`, { force: true });
  // The folder itself only when nothing else was in it (AIOS_GRID_HOME may name a folder of yours).
  if (existsSync(home) && readdirSync(home).length === 0) rmdirSync(home);
}
