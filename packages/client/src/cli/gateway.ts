import { parseArgs } from "node:util";
import type { ApiClient } from "../api-client";
import { type CliIo, CliUsageError } from "./io";
import { renderTable } from "./table";
import { objectValue, print } from "./values";

export const GATEWAY_USAGE = `  aios gateway policies [-o table|json]   the pre-check policy of each gateway action: the
                                          network's and each cluster's own
  aios gateway set ACTION URI [--cluster ID]
                                          set an action's pre-check policy (URI "" removes it),
                                          network-wide or in one cluster's actionsPolicyMap
  aios gateway dry-run ACTION --input JSON|FILE [--cluster ID]
                                          what the action's pre-check decides for that input
                                          (exit code 1 when it denies); nothing is acted on`;

const options = {
  cluster: { type: "string" },
  input: { type: "string" },
  output: { type: "string", short: "o" },
} as const;

export async function gatewayCommand(api: ApiClient, args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({ args, options, allowPositionals: true });
  const [sub, ...rest] = positionals;
  const cluster = values.cluster ? { clusterId: values.cluster } : {};
  switch (sub) {
    case "policies": {
      const r = await api.gateway.preCheckPolicies.query();
      if (values.output === "json") {
        print(io.out, r);
        return 0;
      }
      if (values.output && values.output !== "table") throw new CliUsageError("-o must be table or json");
      const rows = [
        ...r.network.map((p) => ({ scope: "network", action: p.action, policy: p.policyRuleURI })),
        ...r.clusters.flatMap((c) =>
          Object.entries(c.actionsPolicyMap).map(([action, policy]) => ({
            scope: `cluster ${c.clusterId}`,
            action,
            policy,
          })),
        ),
      ];
      io.out(renderTable({ SCOPE: (x) => x.scope, ACTION: (x) => x.action, POLICY: (x) => x.policy }, rows));
      return 0;
    }
    case "set": {
      const [action, uri] = rest;
      if (!action || uri === undefined) {
        throw new CliUsageError('usage: aios gateway set ACTION URI [--cluster ID] (URI "" removes it)');
      }
      const r = await api.gateway.setPreCheckPolicy.mutate({ action, policyRuleURI: uri, ...cluster });
      const where = r.clusterId ? `cluster ${r.clusterId}` : "the network";
      io.out(
        r.policyRuleURI
          ? `${r.action}: pre-check ${r.policyRuleURI} for ${where}`
          : `${r.action}: no pre-check policy for ${where} any more`,
      );
      return 0;
    }
    case "dry-run": {
      const [action] = rest;
      if (!action)
        throw new CliUsageError("usage: aios gateway dry-run ACTION --input JSON|FILE [--cluster ID]");
      const input = objectValue("--input", values.input);
      if (!input) throw new CliUsageError("gateway dry-run needs --input");
      const r = await api.gateway.dryRun.mutate({ action, input, ...cluster });
      print(io.out, r);
      if (!r.allowed) {
        io.err(`${r.action} denied by pre-check ${r.policyRuleURI}: ${r.reason ?? "denied"}`);
        return 1;
      }
      return 0;
    }
    default:
      throw new CliUsageError("usage: aios gateway policies | set ACTION URI | dry-run ACTION --input FILE");
  }
}
