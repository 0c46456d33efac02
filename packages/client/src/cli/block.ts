import { parseArgs } from "node:util";
import type { ApiClient } from "../api-client";
import { noMore, parseOrRefuse } from "./args";
import { type CliIo, CliUsageError } from "./io";
import { intValue, jsonValue, print } from "./values";

export const BLOCK_USAGE = `  aios infer block BLOCK_ID --data JSON|FILE [--session S]
  aios scale block BLOCK_ID N
  aios update block BLOCK_ID --component URI
                                          run the block on another component (a new version):
                                          its instances are replaced one at a time
  aios remove block BLOCK_ID | vdag VDAG_URI | cluster CLUSTER_ID | node NODE_ID
  aios logs block BLOCK_ID [--instance INSTANCE_ID [--container NAME]] [--tail N]
                                          --container: one of the instance's init containers
                                          or side-cars (runtime.initContainers, .sidecars)`;

/** `aios infer block`: one task through the block's executor, over the data plane endpoint. */
export async function inferCommand(
  apiUrl: string,
  token: string | undefined,
  args: string[],
  io: CliIo,
): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { data: { type: "string" }, session: { type: "string" } },
  });
  const [kind, id] = positionals;
  if (kind !== "block" || !id) throw new CliUsageError("usage: aios infer block BLOCK_ID --data JSON");
  if (values.data === undefined) throw new CliUsageError("infer needs --data");
  const res = await fetch(`${apiUrl.replace(/\/+$/, "")}/v1/blocks/${encodeURIComponent(id)}/infer`, {
    method: "POST",
    headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({
      data: jsonValue("--data", values.data),
      ...(values.session ? { session_id: values.session } : {}),
    }),
  });
  const body = (await res.json()) as {
    packet?: { data: unknown };
    error?: { message: string; stage: string };
  };
  if (!res.ok || body.error) {
    io.err(
      `infer failed (HTTP ${res.status}, stage ${body.error?.stage ?? "?"}): ${body.error?.message ?? "no details"}`,
    );
    return 1;
  }
  print(io.out, body.packet?.data);
  return 0;
}

export async function scaleCommand(api: ApiClient, args: string[], io: CliIo): Promise<number> {
  const { positionals } = parseArgs({ args, allowPositionals: true });
  const [kind, id, count] = positionals;
  if (kind !== "block" || !id) throw new CliUsageError("usage: aios scale block BLOCK_ID N");
  const instances = intValue("N", count);
  if (instances === undefined) throw new CliUsageError("scale needs the number of instances");
  const block = await api.blocks.scale.mutate({ id, instances });
  io.out(`block ${block.id}: ${block.desiredInstances} instance(s) wanted (${block.status})`);
  return 0;
}

export async function updateCommand(api: ApiClient, args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseOrRefuse("update", args, { component: { type: "string" } });
  const [kind, id, ...extra] = positionals;
  if (kind !== "block" || !id) throw new CliUsageError("usage: aios update block BLOCK_ID --component URI");
  noMore("update block", extra);
  if (!values.component) throw new CliUsageError("update block needs --component URI (the component to run)");
  const before = await api.blocks.get.query({ id });
  const block = await api.blocks.setComponent.mutate({ id, componentURI: values.component });
  io.out(
    before.componentURI === block.componentURI
      ? `block ${block.id} runs ${block.componentURI} already: unchanged`
      : `block ${block.id}: ${before.componentURI} -> ${block.componentURI}, its instances replaced one at a time (${block.status})`,
  );
  return 0;
}

export async function removeCommand(api: ApiClient, args: string[], io: CliIo): Promise<number> {
  const { positionals } = parseArgs({ args, allowPositionals: true });
  const [kind, id] = positionals;
  if (kind === "vdag" && id) {
    const r = await api.vdags.remove.mutate({ vdagURI: id });
    io.out(`vdag ${r.vdagURI}: ${r.status}`);
    return 0;
  }
  if (kind === "cluster" && id) {
    const r = await api.clusters.remove.mutate({ id });
    io.out(`cluster ${r.id}: removed`);
    return 0;
  }
  if (kind === "node" && id) {
    const r = await api.nodes.remove.mutate({ id });
    io.out(`node ${r.id}: removed from cluster ${r.clusterId}`);
    return 0;
  }
  if (kind !== "block" || !id) {
    throw new CliUsageError(
      "usage: aios remove block BLOCK_ID | vdag VDAG_URI | cluster CLUSTER_ID | node NODE_ID",
    );
  }
  const block = await api.blocks.remove.mutate({ id });
  io.out(`block ${block.id}: ${block.status}`);
  return 0;
}

export async function logsCommand(api: ApiClient, args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { instance: { type: "string" }, container: { type: "string" }, tail: { type: "string" } },
  });
  const [kind, id] = positionals;
  if (kind !== "block" || !id) throw new CliUsageError("usage: aios logs block BLOCK_ID [--instance ID]");
  if (values.container && !values.instance) throw new CliUsageError("--container needs --instance");
  const { lines } = await api.blocks.logs.query({
    id,
    ...(values.instance ? { instanceId: values.instance } : {}),
    ...(values.container ? { container: values.container } : {}),
    limit: intValue("--tail", values.tail) ?? 200,
  });
  io.out(lines.join("\n") || "(no output yet)");
  return 0;
}
