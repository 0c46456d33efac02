import { parseArgs } from "node:util";
import type { ApiClient } from "../api-client";
import { type CliIo, CliUsageError } from "./io";
import { jsonValue, print } from "./values";

export const MGMT_USAGE = `  aios mgmt block ID --action A [--payload JSON|FILE] [--service S] [--instance ID]
                                          a management command for a block's instances (all, or
                                          one) or its executor, autoscaler or health policy
  aios mgmt cluster ID --action A [--payload JSON|FILE] [--service stability_checker]
                                          a management command for the cluster's stability
                                          checker policy; prints the policy's reply`;

const BLOCK_SERVICES = ["instances", "executor", "autoscaler", "health"] as const;
type BlockService = (typeof BLOCK_SERVICES)[number];

const options = {
  action: { type: "string" },
  payload: { type: "string" },
  service: { type: "string" },
  instance: { type: "string" },
} as const;

/** `aios mgmt block|cluster ID`: the command goes through the gateway's pre-check like any other. */
export async function mgmtCommand(api: ApiClient, args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({ args, options, allowPositionals: true });
  const [target, id] = positionals;
  const action = values.action;
  if ((target !== "block" && target !== "cluster") || !id || !action) {
    throw new CliUsageError(
      "usage: aios mgmt block|cluster ID --action A [--payload JSON|FILE] [--service S]",
    );
  }
  const payload = jsonValue("--payload", values.payload);
  if (target === "cluster") {
    const service = values.service ?? "stability_checker";
    if (service !== "stability_checker")
      throw new CliUsageError(
        `--service for a cluster must be stability_checker, not ${JSON.stringify(service)}`,
      );
    if (values.instance) throw new CliUsageError("--instance is for blocks");
    const r = await api.clusters.mgmt.mutate({ clusterId: id, service, action, payload });
    print(io.out, r);
    return r.status < 400 ? 0 : 1;
  }
  const service = (values.service ?? "instances") as BlockService;
  if (!BLOCK_SERVICES.includes(service))
    throw new CliUsageError(`--service for a block must be one of ${BLOCK_SERVICES.join(", ")}`);
  if (service === "instances") {
    const r = await api.blocks.mgmt.mutate({
      id,
      action,
      data: payload,
      ...(values.instance ? { instanceId: values.instance } : {}),
    });
    print(io.out, r);
    return r.results.every((x) => x.status < 400) ? 0 : 1;
  }
  if (values.instance) throw new CliUsageError("--instance is for the instances service");
  const r = await api.blocks.serviceMgmt.mutate({ id, service, action, data: payload });
  print(io.out, r);
  return r.status < 400 ? 0 : 1;
}
