import { parseArgs } from "node:util";
import { ZFilterQuery } from "@aios/spec";
import type { ApiClient } from "../api-client";
import { type CliIo, CliUsageError } from "./io";
import { renderTable } from "./table";

type Row = Record<string, unknown>;

interface KindView {
  list(api: ApiClient): Promise<Row[]>;
  get(api: ApiClient, key: string): Promise<Row>;
  search(api: ApiClient, filter: unknown): Promise<Row[]>;
  columns: Record<string, (r: Row) => unknown>;
}

const when = (r: Row, k: string) =>
  typeof r[k] === "string" ? (r[k] as string).slice(0, 19).replace("T", " ") : "-";

const KINDS: Record<string, KindView> = {
  clusters: {
    list: (api) => api.clusters.list.query(),
    get: (api, id) => api.clusters.get.query({ id }),
    search: (api, filter) => api.clusters.search.query({ filter: filter as never }),
    columns: {
      ID: (r) => r.id,
      REGION: (r) => r.regionId,
      STATUS: (r) => r.status,
      NODES: (r) => r.nodeCount,
      GPUS: (r) => r.gpuCount,
      "LAST SEEN": (r) => when(r, "lastSeenAt"),
    },
  },
  nodes: {
    list: (api) => api.nodes.list.query(),
    get: (api, id) => api.nodes.get.query({ id }),
    search: (api, filter) => api.nodes.search.query({ filter: filter as never }),
    columns: {
      ID: (r) => r.id,
      CLUSTER: (r) => r.clusterId,
      STATUS: (r) => r.status,
      VCPUS: (r) => r.vcpus,
      "MEMORY MB": (r) => r.memoryMb,
      GPUS: (r) => (r.gpus as unknown[]).length,
      "LAST SEEN": (r) => when(r, "lastSeenAt"),
    },
  },
  components: {
    list: (api) => api.components.list.query(),
    get: (api, componentURI) => api.components.get.query({ componentURI }),
    search: (api, filter) => api.components.search.query({ filter: filter as never }),
    columns: {
      URI: (r) => r.componentURI,
      TYPE: (r) => r.componentType,
      MODE: (r) => r.componentMode,
      TAGS: (r) => (r.tags as string[]).join(","),
      CREATED: (r) => when(r, "createdAt"),
    },
  },
  blocks: {
    list: (api) => api.blocks.list.query(),
    get: (api, id) => api.blocks.get.query({ id }),
    search: (api, filter) => api.blocks.search.query({ filter: filter as never }),
    columns: {
      ID: (r) => r.id,
      COMPONENT: (r) => r.componentURI,
      CLUSTER: (r) => r.clusterId,
      STATUS: (r) => r.status,
      MIN: (r) => r.minInstances,
      MAX: (r) => r.maxInstances,
    },
  },
  vdags: {
    list: (api) => api.vdags.list.query(),
    get: (api, vdagURI) => api.vdags.get.query({ vdagURI }),
    search: (api, filter) => api.vdags.search.query({ filter: filter as never }),
    columns: { URI: (r) => r.vdagURI, STATUS: (r) => r.status, CREATED: (r) => when(r, "createdAt") },
  },
  policies: {
    list: (api) => api.policies.list.query(),
    get: (api, policyRuleURI) => api.policies.get.query({ policyRuleURI }),
    search: (api, filter) => api.policies.search.query({ filter: filter as never }),
    columns: {
      URI: (r) => r.policyRuleURI,
      KIND: (r) => r.kind,
      TAGS: (r) => (r.tags as string[]).join(","),
      CREATED: (r) => when(r, "createdAt"),
    },
  },
};

const ALIASES: Record<string, string> = {
  cluster: "clusters",
  node: "nodes",
  component: "components",
  block: "blocks",
  vdag: "vdags",
  policy: "policies",
};

export async function getCommand(api: ApiClient, args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { output: { type: "string", short: "o", default: "table" }, filter: { type: "string" } },
  });
  const [kindArg, key, ...extra] = positionals;
  if (!kindArg) throw new CliUsageError(`say what to get: ${Object.keys(KINDS).join(", ")}`);
  const kind = KINDS[ALIASES[kindArg] ?? kindArg];
  if (!kind)
    throw new CliUsageError(
      `unknown kind ${JSON.stringify(kindArg)}; one of ${Object.keys(KINDS).join(", ")}`,
    );
  if (extra.length > 0) throw new CliUsageError(`unexpected argument ${JSON.stringify(extra[0])}`);
  if (values.output !== "table" && values.output !== "json") {
    throw new CliUsageError(`-o must be table or json, got ${JSON.stringify(values.output)}`);
  }
  if (key && values.filter) throw new CliUsageError("give an ID or --filter, not both");
  const rows = key
    ? [await kind.get(api, key)]
    : values.filter
      ? await kind.search(api, parseFilter(values.filter))
      : await kind.list(api);
  if (values.output === "json") io.out(JSON.stringify(key ? rows[0] : rows, null, 2));
  else io.out(renderTable(kind.columns, rows));
  return 0;
}

function parseFilter(text: string): unknown {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new CliUsageError(`--filter is not valid JSON: ${(err as Error).message}`);
  }
  const parsed = ZFilterQuery.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new CliUsageError(`--filter ${issue?.path.join(".") || "(root)"}: ${issue?.message}`);
  }
  return parsed.data;
}
