import type { TBlockEventRecord } from "@aios/contracts";
import type { ApiClient } from "../api-client";
import { noMore, parseOrRefuse } from "./args";
import { type CliIo, CliUsageError } from "./io";
import { renderTable } from "./table";
import { intValue, print } from "./values";

export const EVENTS_USAGE = `  aios events block BLOCK_ID [--limit N] [--before EVENT_ID] [-o table|json]
                                          the block's events, newest first: the platform's
                                          (instance_started, instance_crashed, instance_healthy,
                                          scaled_up, policy_failed, ...) and its instances' own,
                                          each with what its event policy answered; --before
                                          pages on`;

const when = (iso: string) => iso.replace("T", " ").replace(/\.\d+Z$/, "Z");
const short = (v: unknown, max = 60) => {
  const text = v === undefined ? "" : JSON.stringify(v);
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
};

/** What the event's policy answered, in one cell: its URI and output, or its error. */
export const outcomeText = (e: TBlockEventRecord): string => {
  const o = e.outcome;
  if (!o) return "";
  return o.ok ? `${o.policyRuleURI}: ${short(o.output, 40)}` : `${o.policyRuleURI}: failed: ${o.error ?? ""}`;
};

const EVENT_COLUMNS: Record<string, (e: TBlockEventRecord) => unknown> = {
  ID: (e) => e.id,
  TIME: (e) => when(e.createdAt),
  SOURCE: (e) => e.source,
  INSTANCE: (e) => e.instanceId ?? "",
  EVENT: (e) => e.name,
  DATA: (e) => short(e.data),
  POLICY: outcomeText,
};

export async function eventsCommand(api: ApiClient, args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseOrRefuse("events", args, {
    limit: { type: "string" },
    before: { type: "string" },
    output: { type: "string", short: "o" },
  });
  const [kind, id, ...extra] = positionals;
  if (kind !== "block" || !id) throw new CliUsageError("usage: aios events block BLOCK_ID [--limit N]");
  noMore("events", extra);
  const output = values.output ?? "table";
  if (output !== "table" && output !== "json")
    throw new CliUsageError(`events: -o must be table or json, got ${JSON.stringify(output)}`);
  const limit = intValue("--limit", values.limit);
  if (limit === 0) throw new CliUsageError("--limit must be at least 1");
  const beforeId = intValue("--before", values.before);
  const events = await api.blocks.events.query({
    id,
    ...(limit ? { limit } : {}),
    ...(beforeId ? { beforeId } : {}),
  });
  if (output === "json") print(io.out, events);
  else io.out(events.length ? renderTable(EVENT_COLUMNS, events) : `(no events of block ${id} yet)`);
  return 0;
}
