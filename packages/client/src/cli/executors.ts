import type { TExecutorRecord } from "@aios/contracts";
import type { ApiClient } from "../api-client";
import { noMore, parseOrRefuse } from "./args";
import { type CliIo, CliUsageError } from "./io";
import { renderTable } from "./table";
import { print } from "./values";

export const EXECUTORS_USAGE = `  aios executors list [--group G] [-o table|json]
                                          policy executors you deployed (apps/policy-executor):
                                          status, load and counters
  aios executors get ID                   one executor as JSON
  aios executors remove ID                no call goes to it any more (a running one registers
                                          again on its next beat)`;

const COLUMNS: Record<string, (e: TExecutorRecord) => unknown> = {
  ID: (e) => e.id,
  NAME: (e) => e.name,
  GROUP: (e) => e.group ?? "-",
  STATUS: (e) => e.status,
  LOAD: (e) => `${e.inFlight}/${e.capacity}`,
  SERVED: (e) => e.served,
  FAILED: (e) => e.failed,
  URL: (e) => e.url,
  "LAST SEEN": (e) => e.lastSeenAt.slice(0, 19).replace("T", " "),
};

function idOf(command: string, positionals: string[]): string {
  const [id, ...extra] = positionals;
  if (!id) throw new CliUsageError(`${command} needs the executor's id (aios executors list)`);
  noMore(command, extra);
  return id;
}

/** Deployed policy executors (`executors.*`); `aios policy execute --executor` runs on one. */
export async function executorsCommand(api: ApiClient, args: string[], io: CliIo): Promise<number> {
  const [sub, ...rest] = args;
  switch (sub) {
    case "list": {
      const { values, positionals } = parseOrRefuse("executors list", rest, {
        group: { type: "string" },
        output: { type: "string", short: "o" },
      });
      noMore("executors list", positionals);
      const output = values.output ?? "table";
      if (output !== "table" && output !== "json")
        throw new CliUsageError(`executors list: -o must be table or json, got ${JSON.stringify(output)}`);
      const rows = await api.executors.list.query(values.group !== undefined ? { group: values.group } : {});
      if (output === "json") print(io.out, rows);
      else io.out(rows.length ? renderTable(COLUMNS, rows) : "No executors registered.");
      return 0;
    }
    case "get": {
      const { positionals } = parseOrRefuse("executors get", rest, {});
      print(io.out, await api.executors.get.query({ id: idOf("executors get", positionals) }));
      return 0;
    }
    case "remove": {
      const { positionals } = parseOrRefuse("executors remove", rest, {});
      const e = await api.executors.remove.mutate({ id: idOf("executors remove", positionals) });
      io.out(`executor ${e.id} (${e.name}) removed`);
      return 0;
    }
    default:
      throw new CliUsageError(`unknown executors command ${JSON.stringify(sub ?? "")}: list, get or remove`);
  }
}
