import { parseArgs } from "node:util";
import type { TAllocationDecision, TPlacementDryRun } from "@aios/contracts";
import { loadSpecFile } from "@aios/contracts/files";
import type { ApiClient } from "../api-client";
import { type CliIo, CliUsageError } from "./io";
import { renderTable } from "./table";
import { print } from "./values";

export const ALLOCATE_USAGE = `  aios allocate dry-run -f FILE [-o table|json]
                                          where the Resource Allocator would put each createBlock
                                          document of FILE: every live cluster with its score, and
                                          the choice (exit code 1 when nothing fits); stores nothing
  aios allocate dry-run --block ID [-o table|json]
                                          where block ID's next instance would go in its cluster:
                                          every node with its score and GPUs or why it is refused,
                                          and the choice (exit code 1 when no node can take it)`;

const options = {
  file: { type: "string", short: "f", multiple: true },
  block: { type: "string" },
  output: { type: "string", short: "o" },
} as const;

/** The spec values of a createBlock document (the envelope's body.spec.values). */
function blockValues(source: string, document: unknown): Record<string, unknown> {
  const d = document as { header?: { action?: unknown }; body?: { spec?: { values?: unknown } } } | null;
  const values = d?.body?.spec?.values;
  if (d?.header?.action !== "createBlock" || typeof values !== "object" || values === null) {
    throw new CliUsageError(`${source}: allocate dry-run takes createBlock documents`);
  }
  return values as Record<string, unknown>;
}

function renderDecision(d: TAllocationDecision): string {
  const table = renderTable(
    {
      CLUSTER: (c) => c.clusterId,
      OUTCOME: (c) => c.outcome,
      SCORE: (c) => (c.score === null ? null : String(Math.round(c.score * 1000) / 1000)),
      NODE: (c) => c.nodeInfo?.nodeId,
      GPUS: (c) => c.nodeInfo?.gpus?.join(","),
      REASON: (c) => c.reason,
    },
    d.candidates,
  );
  const choice = d.clusterId
    ? `block ${d.blockId}: cluster ${d.clusterId} (chosen by ${d.chosenBy})`
    : `block ${d.blockId}: no cluster fits${d.reason ? `: ${d.reason}` : ""}`;
  return `${table}\n${choice}`;
}

function renderPlacement(p: TPlacementDryRun): string {
  const table = renderTable(
    {
      NODE: (n) => n.nodeId,
      STATUS: (n) => n.status,
      SCORE: (n) => String(Math.round(n.score * 1000) / 1000),
      GPUS: (n) => n.gpus.join(","),
      "FREE VCPUS": (n) => n.free?.vcpus,
      "FREE GPU MB": (n) =>
        n.free?.gpus.map((g) => (g.whole ? `${g.index}:taken` : `${g.index}:${g.freeMemoryMb}`)).join(" "),
      REASON: (n) => n.reason,
    },
    p.nodes,
  );
  const choice =
    p.choice && "nodeId" in p.choice
      ? `block ${p.blockId}: next instance on node ${p.choice.nodeId}${p.choice.gpus?.length ? ` with GPU(s) ${p.choice.gpus.join(",")}` : ""}`
      : `block ${p.blockId}: no node can take its next instance${p.choice ? `: ${p.choice.problem}` : ""}`;
  return `${table}\n${choice}`;
}

export async function allocateCommand(api: ApiClient, args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({ args, options, allowPositionals: true });
  if (positionals[0] !== "dry-run")
    throw new CliUsageError("usage: aios allocate dry-run -f FILE | --block ID");
  if (values.output && values.output !== "table" && values.output !== "json")
    throw new CliUsageError("-o must be table or json");
  const files = values.file ?? [];
  if (values.block !== undefined) {
    if (files.length > 0) throw new CliUsageError("give -f FILE or --block ID, not both");
    const placement = await api.allocator.placement.mutate({ blockId: values.block });
    if (values.output === "json") print(io.out, placement);
    else io.out(renderPlacement(placement));
    return placement.choice && "nodeId" in placement.choice ? 0 : 1;
  }
  if (files.length === 0) throw new CliUsageError("give at least one file with -f FILE, or --block ID");
  const specs = files.flatMap((f) => loadSpecFile(f)).map((d) => blockValues(d.source, d.document));
  const decisions: TAllocationDecision[] = [];
  for (const spec of specs) {
    decisions.push(await api.allocator.dryRun.mutate({ spec: spec as never }));
  }
  if (values.output === "json") print(io.out, decisions.length === 1 ? decisions[0] : decisions);
  else io.out(decisions.map(renderDecision).join("\n\n"));
  return decisions.every((d) => d.clusterId) ? 0 : 1;
}
