import { parseArgs } from "node:util";
import { fieldIssues, issuesLine, type TFunctionAutoscaling, ZFunctionAutoscaling } from "@aios/contracts";
import type { ApiClient } from "../api-client";
import { type CliIo, CliUsageError } from "./io";
import { intValue, jsonValue, objectValue, print } from "./values";

export const FUNCTION_USAGE = `  aios function deploy NAME --policy URI [--cluster ID] [--replicas N] [--settings ...] [--parameters ...]
                      [--autoscale '{"minReplicas":1,"maxReplicas":4,"targetInFlight":2}']
                                          scaled by its agent: calls in flight per replica
  aios function invoke NAME --input JSON|FILE [--replica I]
  aios function scale NAME N
  aios function autoscale NAME JSON|off   new autoscaling rules, or none
  aios function remove NAME
  aios graph create NAME --graph '{"fnA":["fnB"]}' [--version 1.0.0]
  aios graph execute GRAPH_URI --input JSON|FILE`;

const options = {
  policy: { type: "string" },
  cluster: { type: "string" },
  replicas: { type: "string" },
  replica: { type: "string" },
  settings: { type: "string" },
  parameters: { type: "string" },
  input: { type: "string" },
  graph: { type: "string" },
  version: { type: "string" },
  autoscale: { type: "string" },
} as const;

export async function functionCommand(api: ApiClient, args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({ args, options, allowPositionals: true });
  const [sub, name, count] = positionals;
  if (!name) throw new CliUsageError(`function ${sub ?? ""} needs a function name`);
  switch (sub) {
    case "deploy":
      if (!values.policy) throw new CliUsageError("function deploy needs --policy URI");
      print(
        io.out,
        await api.functions.deploy.mutate({
          name,
          policyRuleURI: values.policy,
          clusterId: values.cluster ?? "local",
          replicas: intValue("--replicas", values.replicas) ?? (values.autoscale ? undefined : 1),
          settings: objectValue("--settings", values.settings),
          parameters: objectValue("--parameters", values.parameters),
          autoscaling: rulesOf("--autoscale", values.autoscale) ?? undefined,
        }),
      );
      return 0;
    case "invoke": {
      const r = await api.functions.invoke.mutate({
        name,
        input: jsonValue("--input", values.input),
        replica: intValue("--replica", values.replica),
      });
      print(io.out, r);
      return r.ok ? 0 : 1;
    }
    case "scale": {
      const replicas = intValue("replicas", count);
      if (!replicas) throw new CliUsageError("function scale needs a replica count of at least 1");
      print(io.out, await api.functions.scale.mutate({ name, replicas }));
      return 0;
    }
    case "autoscale": {
      if (!count) throw new CliUsageError("function autoscale needs the rules as JSON, or off");
      const autoscaling = count === "off" ? null : rulesOf("function autoscale", count);
      print(io.out, await api.functions.setAutoscaling.mutate({ name, autoscaling }));
      return 0;
    }
    case "remove":
      print(io.out, await api.functions.remove.mutate({ name }));
      return 0;
    default:
      throw new CliUsageError(`unknown function command ${JSON.stringify(sub ?? "")}`);
  }
}

export async function graphCommand(api: ApiClient, args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({ args, options, allowPositionals: true });
  const [sub, target] = positionals;
  if (!target) throw new CliUsageError(`graph ${sub ?? ""} needs a graph name or URI`);
  if (sub === "create") {
    const graph = objectValue("--graph", values.graph);
    if (!graph) throw new CliUsageError("graph create needs --graph");
    print(
      io.out,
      await api.graphs.create.mutate({
        name: target,
        graph: graph as Record<string, string[]>,
        ...(values.version ? { version: values.version } : {}),
      }),
    );
    return 0;
  }
  if (sub === "execute") {
    const r = await api.graphs.execute.mutate({
      graphURI: target,
      input: jsonValue("--input", values.input),
    });
    print(io.out, r);
    return r.ok ? 0 : 1;
  }
  throw new CliUsageError(`unknown graph command ${JSON.stringify(sub ?? "")}`);
}

/** Autoscaling rules from JSON, checked here so a mistake names its field. */
function rulesOf(option: string, json: string | undefined): TFunctionAutoscaling | null {
  const value = objectValue(option, json);
  if (value === undefined) return null;
  const rules = ZFunctionAutoscaling.safeParse(value);
  if (!rules.success) throw new CliUsageError(`${option}: ${issuesLine(fieldIssues(rules.error))}`);
  return rules.data;
}
