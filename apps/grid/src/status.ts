import { namespacePids } from "./ip";
import { hasUnreachableRoute, linkIsUp } from "./network";
import type { TGridState } from "./state";

export interface GridStatus {
  name: string;
  phase: TGridState["phase"];
  subnet: string;
  unreachableRoute: boolean;
  bridge: TGridState["bridge"];
  /** Reachable from the root namespace (this machine's shell). */
  apiUrl: string;
  consoleUrl: string | null;
  adminTokenFile: string;
  hosts: Array<{
    name: string;
    role: "management" | "node";
    address: string;
    clusterId: string | null;
    nodeId: string | null;
    namespace: string;
    link: string;
    linkUp: boolean;
    /** The processes running in the host now. */
    pids: number[];
    log: string;
    workloadUids: string | null;
  }>;
}

export function gridStatus(state: TGridState): GridStatus {
  return {
    name: state.name,
    phase: state.phase,
    subnet: state.subnet,
    unreachableRoute: hasUnreachableRoute(state.subnet),
    bridge: state.bridge,
    apiUrl: state.apiUrl,
    consoleUrl: state.consoleUrl,
    adminTokenFile: state.adminTokenFile,
    hosts: state.hosts.map((h) => ({
      name: h.name,
      role: h.role,
      address: h.address,
      clusterId: h.clusterId,
      nodeId: h.nodeId,
      namespace: h.namespace,
      link: h.link,
      linkUp: linkIsUp(h.link),
      pids: namespacePids(h.namespace),
      log: h.log,
      workloadUids: h.workloadUids,
    })),
  };
}

/** The status for a person: the URLs and token, then one line per host. */
export function formatStatus(s: GridStatus): string {
  const rows = s.hosts.map((h) =>
    [
      h.name.padEnd(10),
      h.address.padEnd(15),
      h.role.padEnd(10),
      (h.clusterId ?? "-").padEnd(7),
      (h.nodeId ?? "-").padEnd(10),
      (h.linkUp ? "up" : "CUT").padEnd(5),
      `${h.pids.length} processes`,
    ].join(" "),
  );
  return [
    `grid ${s.name} (${s.phase}): subnet ${s.subnet}, unreachable route ${s.unreachableRoute ? "in place" : "MISSING"}`,
    `  API:         ${s.apiUrl}`,
    `  console:     ${s.consoleUrl ?? "(not started: --no-console)"}`,
    `  admin token: ${s.adminTokenFile}   (AIOS_API_URL=${s.apiUrl} AIOS_TOKEN=$(cat ${s.adminTokenFile}) aios ...)`,
    "",
    `  ${["host".padEnd(10), "address".padEnd(15), "role".padEnd(10), "cluster", "node".padEnd(10), "link ", "processes"].join(" ")}`,
    ...rows.map((r) => `  ${r}`),
  ].join("\n");
}
