import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { createApiClient, describeApiError, unreachableReason } from "../api-client";
import { nodeHttpFetch } from "../node-http-fetch";
import { ALLOCATE_USAGE, allocateCommand } from "./allocate";
import { applyCommand } from "./apply";
import { ASSET_USAGE, assetCommand } from "./asset";
import { AUDIT_USAGE, auditCommand } from "./audit";
import { BLOCK_USAGE, inferCommand, logsCommand, removeCommand, scaleCommand, updateCommand } from "./block";
import { COMPONENT_USAGE, componentCommand } from "./component";
import { CONTAINER_REGISTRY_USAGE, containerRegistryCommand } from "./container-registry";
import { EVENTS_USAGE, eventsCommand } from "./events";
import { EXECUTORS_USAGE, executorsCommand } from "./executors";
import { EXPAND_USAGE, expandCommand } from "./expand";
import { FUNCTION_USAGE, functionCommand, graphCommand } from "./function";
import { GATEWAY_USAGE, gatewayCommand } from "./gateway";
import { GET_KINDS, getCommand } from "./get";
import { type CliIo, CliUsageError, consoleIo } from "./io";
import { METRICS_USAGE, metricsCommand } from "./metrics";
import { MGMT_USAGE, mgmtCommand } from "./mgmt";
import { POLICY_USAGE, policyCommand } from "./policy";
import { QUALITY_USAGE, qualityCommand } from "./quality";
import { SPECS_USAGE, specsCommand } from "./specs";
import { clusterCommand, TOKEN_USAGE, tokenCommand } from "./token";
import { validateCommand } from "./validate";
import { traceCommand, VDAG_USAGE, vdagInferCommand } from "./vdag";

export const USAGE = `aios — the AIOS command line

Usage:
  aios apply -f FILE [-f FILE ...]        apply spec documents (JSON or YAML: arrays, one JSON
                                          document per line, --- streams)
  aios validate -f FILE [-f FILE ...]     validate spec documents without applying them
${EXPAND_USAGE}
${SPECS_USAGE}
  aios get KIND [ID] [-o table|json]      list or show one of a kind (ID: its key; an instance's is
                                          BLOCK/INSTANCE, a GPU's NODE/INDEX). KIND: one of
                                          ${wrap(GET_KINDS.join(", "), 42, 100)}
  aios get KIND --filter JSON             search with the filter language, e.g.
                                          '{"variable":"tags","operator":"==","value":"nlp"}'
  aios get KIND --filter JSON --ranking URI [--ranking-settings JSON]
                                          the matches ordered (some maybe dropped) by a ranking
                                          policy; clusters, nodes, components, blocks, vdags and
                                          policies
  aios get instances [--node N] [--block B]
                                          the instances placed on a node, or of a block (gpus
                                          takes --node too)
${BLOCK_USAGE}
${EVENTS_USAGE}
${METRICS_USAGE}
${VDAG_USAGE}
${QUALITY_USAGE}
${POLICY_USAGE}
${EXECUTORS_USAGE}
${FUNCTION_USAGE}
${GATEWAY_USAGE}
${ALLOCATE_USAGE}
${MGMT_USAGE}
${TOKEN_USAGE}
${ASSET_USAGE}
${COMPONENT_USAGE}
${CONTAINER_REGISTRY_USAGE}
${AUDIT_USAGE}

Environment:
  AIOS_API_URL   the management plane (default http://127.0.0.1:4000)
  AIOS_TOKEN     API token (needed when the API runs with AIOS_AUTH=token; defaults to the
                 admin token \`npm start\` keeps in $AIOS_HOME/tokens/admin, if there is one)
`;

/** `text` in lines of at most `width` characters, the later ones indented by `indent`. */
function wrap(text: string, indent: number, width: number): string {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(" ")) {
    if (line && indent + line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  lines.push(line);
  return lines.join(`\n${" ".repeat(indent)}`);
}

export async function main(argv: string[], io: CliIo = consoleIo()): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === "help" || command === "--help" || command === "-h") {
    io.out(USAGE);
    return command ? 0 : 2;
  }
  const url = io.env.AIOS_API_URL ?? "http://127.0.0.1:4000";
  const token = io.env.AIOS_TOKEN ?? localAdminToken(io.env.AIOS_HOME ?? ".aios");
  const api = createApiClient({ url, token, fetch: nodeHttpFetch });
  try {
    switch (command) {
      case "apply":
        return await applyCommand(api, rest, io);
      case "validate":
        return await validateCommand(api, rest, io);
      case "expand":
        return await expandCommand(api, rest, io);
      case "specs":
        return await specsCommand(api, rest, io);
      case "get":
        return await getCommand(api, rest, io);
      case "infer":
        return rest[0] === "vdag"
          ? await vdagInferCommand(url, token, rest, io)
          : await inferCommand(url, token, rest, io);
      case "trace":
        return await traceCommand(api, rest, io);
      case "update":
        return await updateCommand(api, rest, io);
      case "scale":
        return await scaleCommand(api, rest, io);
      case "remove":
        return await removeCommand(api, rest, io);
      case "logs":
        return await logsCommand(api, rest, io);
      case "events":
        return await eventsCommand(api, rest, io);
      case "metrics":
        return await metricsCommand(api, rest, io);
      case "quality":
        return await qualityCommand(api, rest, io);
      case "executors":
        return await executorsCommand(api, rest, io);
      case "policy":
        return await policyCommand(api, rest, io);
      case "function":
        return await functionCommand(api, rest, io);
      case "graph":
        return await graphCommand(api, rest, io);
      case "gateway":
        return await gatewayCommand(api, rest, io);
      case "allocate":
        return await allocateCommand(api, rest, io);
      case "mgmt":
        return await mgmtCommand(api, rest, io);
      case "token":
        return await tokenCommand(api, rest, io);
      case "cluster":
        return await clusterCommand(api, rest, io);
      case "component":
        return await componentCommand(api, { url, token }, rest, io);
      case "asset":
        return await assetCommand(api, { url, token }, rest, io);
      case "audit":
        return await auditCommand(api, rest, io);
      case "container-registry":
        return await containerRegistryCommand(api, rest, io);
      default:
        throw new CliUsageError(`unknown command ${JSON.stringify(command)}`);
    }
  } catch (err) {
    if (err instanceof CliUsageError) {
      io.err(`error: ${err.message}\n\n${USAGE}`);
      return 2;
    }
    const unreachable = unreachableReason(err);
    io.err(
      unreachable
        ? `error: cannot reach the API at ${url} (${unreachable}); is it running? AIOS_API_URL sets its address`
        : `error: ${describeApiError(err)}`,
    );
    return 1;
  }
}

/** On the machine that runs `npm start` in token mode, the CLI finds the admin token by itself. */
function localAdminToken(home: string): string | undefined {
  const path = join(home, "tokens", "admin");
  return existsSync(path) ? readFileSync(path, "utf8").trim() : undefined;
}
