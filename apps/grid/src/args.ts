import { GridError } from "./errors";

/** What `npm run grid -- ...` was asked to do. */
export type GridCommand =
  | { command: "up"; clusters: number; nodes: number; gpus: number; console: boolean }
  | { command: "down" }
  | { command: "status"; json: boolean }
  | { command: "cut" | "heal" | "kill" | "start"; host: string }
  | { command: "stop-store" | "start-store"; store: "redis" | "postgres" }
  | { command: "help" };

/** Bounds that keep a grid within one /24 and within what a small machine runs. */
export const LIMITS = { clusters: 20, nodes: 20, gpus: 16, nodeHosts: 250 } as const;

export const USAGE = `npm run grid -- <command>

  up --clusters N --nodes M [--gpus K] [--no-console]
                  a management host (PostgreSQL, Redis, API, console) and N x M node hosts, each
                  running a node agent that joins its cluster (c1..cN) with a join token of its own
  status [--json] every host with its address, role, cluster and node; the API URL and admin token
  cut HOST        take the host's link down (its packets go nowhere)
  heal HOST       bring the host's link up again
  kill HOST       kill -9 every process of the host
  start HOST      start a node host's agent again (after kill), with the identity it kept
  stop-store redis|postgres
                  stop the management host's Redis or PostgreSQL (it stays down)
  start-store redis|postgres
                  start it again as it ran; returns once it takes connections
  down            stop and remove everything: processes, namespaces, links, data, and last the route

  Environment: AIOS_GRID_HOME (state folder, default <repo>/.grid), AIOS_GRID_SUBNET (default
  10.211.0.0/16), AIOS_GRID_NAME (prefix of namespaces and links, default aiosg).`;

/** Parses the command line (what follows `npm run grid --`); a mistake names the flag and why. */
export function parseGridArgs(argv: string[]): GridCommand {
  const [command, ...rest] = argv;
  switch (command) {
    case undefined:
    case "help":
    case "--help":
    case "-h":
      return { command: "help" };
    case "up":
      return parseUp(rest);
    case "down":
      noMore("down", rest);
      return { command: "down" };
    case "status": {
      const flags = rest.filter((a) => a !== "--json");
      noMore("status", flags);
      return { command: "status", json: rest.includes("--json") };
    }
    case "cut":
    case "heal":
    case "kill":
    case "start": {
      const [host, ...extra] = rest;
      if (!host || host.startsWith("-")) throw new GridError(`${command} needs a HOST (see \`status\`)`);
      noMore(command, extra);
      return { command, host };
    }
    case "stop-store":
    case "start-store": {
      const [store, ...extra] = rest;
      if (store !== "redis" && store !== "postgres")
        throw new GridError(
          `${command} needs a store: redis or postgres${store ? `, not ${JSON.stringify(store)}` : ""}`,
        );
      noMore(command, extra);
      return { command, store };
    }
    default:
      throw new GridError(
        `unknown command ${JSON.stringify(command)}: up, status, cut, heal, kill, start, stop-store, start-store, down (or help)`,
      );
  }
}

function parseUp(args: string[]): GridCommand {
  const values: Partial<Record<"clusters" | "nodes" | "gpus", number>> = {};
  let withConsole = true;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? "";
    if (arg === "--no-console") {
      withConsole = false;
      continue;
    }
    const [flag, inline] = arg.startsWith("--") && arg.includes("=") ? arg.split("=", 2) : [arg, undefined];
    const name = flag?.slice(2);
    if (name !== "clusters" && name !== "nodes" && name !== "gpus")
      throw new GridError(
        `up: unknown argument ${JSON.stringify(arg)}: --clusters N --nodes M [--gpus K] [--no-console]`,
      );
    if (values[name] !== undefined) throw new GridError(`up: --${name} is given twice`);
    const raw = inline ?? args[++i];
    if (raw === undefined || raw.startsWith("--")) throw new GridError(`up: --${name} needs a number`);
    values[name] = count(name, raw, name === "gpus" ? 0 : 1, LIMITS[name]);
  }
  if (values.clusters === undefined) throw new GridError("up: --clusters N is required (N clusters c1..cN)");
  if (values.nodes === undefined) throw new GridError("up: --nodes M is required (M node hosts per cluster)");
  if (values.clusters * values.nodes > LIMITS.nodeHosts)
    throw new GridError(
      `up: --clusters x --nodes is ${values.clusters * values.nodes} node hosts; at most ${LIMITS.nodeHosts} fit the grid's /24`,
    );
  return {
    command: "up",
    clusters: values.clusters,
    nodes: values.nodes,
    gpus: values.gpus ?? 0,
    console: withConsole,
  };
}

function count(name: string, raw: string, min: number, max: number): number {
  if (!/^\d+$/.test(raw))
    throw new GridError(`up: --${name} must be a whole number, not ${JSON.stringify(raw)}`);
  const n = Number(raw);
  if (n < min || n > max) throw new GridError(`up: --${name} must be between ${min} and ${max}, not ${n}`);
  return n;
}

function noMore(command: string, extra: string[]) {
  if (extra.length > 0) throw new GridError(`${command}: unexpected argument ${JSON.stringify(extra[0])}`);
}
