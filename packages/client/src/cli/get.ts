import { parseArgs } from "node:util";
import {
  fieldIssues,
  issuesLine,
  MAX_PAGE_LIMIT,
  MAX_RANKING_ROWS,
  type TFilterQuery,
  type TPolicyRuleRef,
  ZFilterQuery,
} from "@aios/contracts";
import type { ApiClient } from "../api-client";
import { type CliIo, CliUsageError } from "./io";
import { RANKING_OPTIONS, rankingRule } from "./ranking";
import { renderTable } from "./table";

type Row = Record<string, unknown>;

interface KindView {
  list(api: ApiClient): Promise<Row[]>;
  get(api: ApiClient, key: string): Promise<Row>;
  /** With a ranking: the policy's order, one page (it sees at most MAX_RANKING_ROWS matches). */
  search(api: ApiClient, filter: unknown, ranking?: TPolicyRuleRef): Promise<Row[]>;
  columns: Record<string, (r: Row) => unknown>;
}

/** The three read procedures every registry router has (`readProcedures` in the API); lists and searches are paged. */
interface Registry {
  list: { query(input: never): Promise<Row[]> };
  get: { query(input: never): Promise<Row> };
  search: { query(input: never): Promise<Row[]> };
}

type Page = { limit: number; offset: number };

/** Every row of a paged list or search: pages of MAX_PAGE_LIMIT until one comes back short. */
async function allPages(query: (page: Page) => Promise<Row[]>): Promise<Row[]> {
  const rows: Row[] = [];
  for (;;) {
    const page = await query({ limit: MAX_PAGE_LIMIT, offset: rows.length });
    rows.push(...page);
    if (page.length < MAX_PAGE_LIMIT) return rows;
  }
}

function registry(pick: (api: ApiClient) => Registry, key: string, columns: KindView["columns"]): KindView {
  return {
    list: (api) => allPages((page) => pick(api).list.query(page as never)),
    get: (api, value) => pick(api).get.query({ [key]: value } as never),
    search: (api, filter, ranking) =>
      ranking
        ? pick(api).search.query({ filter, rankingPolicyRule: ranking, limit: MAX_RANKING_ROWS } as never)
        : allPages((page) => pick(api).search.query({ filter, ...page } as never)),
    columns,
  };
}

const when = (r: Row, k: string) =>
  typeof r[k] === "string" ? (r[k] as string).slice(0, 19).replace("T", " ") : "-";
const list = (r: Row, k: string) => (Array.isArray(r[k]) ? (r[k] as unknown[]).join(",") : "-");
const count = (r: Row, k: string) => (Array.isArray(r[k]) ? (r[k] as unknown[]).length : 0);

const KINDS: Record<string, KindView> = {
  clusters: registry((api) => api.clusters, "id", {
    ID: (r) => r.id,
    REGION: (r) => r.regionId,
    STATUS: (r) => r.status,
    NODES: (r) => r.nodeCount,
    GPUS: (r) => r.gpuCount,
    "LAST SEEN": (r) => when(r, "lastSeenAt"),
  }),
  nodes: registry((api) => api.nodes, "id", {
    ID: (r) => r.id,
    CLUSTER: (r) => r.clusterId,
    STATUS: (r) => r.status,
    DRIVER: (r) => r.driver,
    VCPUS: (r) => r.vcpus,
    "MEMORY MB": (r) => r.memoryMb,
    GPUS: (r) => count(r, "gpus"),
    "LAST SEEN": (r) => when(r, "lastSeenAt"),
  }),
  gpus: registry((api) => api.gpus, "key", {
    KEY: (r) => r.key,
    CLUSTER: (r) => r.clusterId,
    NODE: (r) => r.nodeId,
    MODEL: (r) => r.modelName,
    "MEMORY MB": (r) => r.memoryMb,
    "UTIL %": (r) => r.utilizationPct,
    "USED MB": (r) => r.memoryUsedMb,
    PROCESSES: (r) => count(r, "processes"),
  }),
  components: registry((api) => api.components, "componentURI", {
    URI: (r) => r.componentURI,
    TYPE: (r) => r.componentType,
    MODE: (r) => r.componentMode,
    TAGS: (r) => list(r, "tags"),
    CREATED: (r) => when(r, "createdAt"),
  }),
  assets: registry((api) => api.assets, "assetURI", {
    URI: (r) => r.assetURI,
    SIZE: (r) => r.size,
    SHA256: (r) => (typeof r.sha256 === "string" ? r.sha256.slice(0, 12) : "-"),
    TAGS: (r) => list(r, "tags"),
    CREATED: (r) => when(r, "createdAt"),
  }),
  blocks: registry((api) => api.blocks, "id", {
    ID: (r) => r.id,
    COMPONENT: (r) => r.componentURI,
    CLUSTER: (r) => r.clusterId,
    STATUS: (r) => r.status,
    MIN: (r) => r.minInstances,
    MAX: (r) => r.maxInstances,
    REASON: (r) => r.statusReason,
  }),
  instances: registry((api) => api.instances, "key", {
    BLOCK: (r) => r.blockId,
    ID: (r) => r.id,
    NODE: (r) => r.nodeId,
    STATUS: (r) => r.status,
    ENDPOINT: (r) => r.endpoint,
    GPUS: (r) => list(r, "gpus"),
  }),
  vdags: registry((api) => api.vdags, "vdagURI", {
    URI: (r) => r.vdagURI,
    STATUS: (r) => r.status,
    CREATED: (r) => when(r, "createdAt"),
  }),
  vdagcontrollers: registry((api) => api.vdagControllers, "id", {
    ID: (r) => r.id,
    VDAG: (r) => r.vdagURI,
    CLUSTER: (r) => r.clusterId,
    STATUS: (r) => r.status,
    URL: (r) => r.url,
    REVISION: (r) => r.revision,
  }),
  tasks: registry((api) => api.tasks, "id", {
    ID: (r) => r.id,
    KIND: (r) => r.kind,
    STATUS: (r) => r.status,
    TARGET: (r) => r.targetId,
    STEPS: (r) => count(r, "trace"),
    CREATED: (r) => when(r, "createdAt"),
    FINISHED: (r) => when(r, "finishedAt"),
  }),
  policies: registry((api) => api.policies, "policyRuleURI", {
    URI: (r) => r.policyRuleURI,
    KIND: (r) => r.kind,
    TAGS: (r) => list(r, "tags"),
    CREATED: (r) => when(r, "createdAt"),
  }),
  jobs: registry((api) => api.policyJobs, "id", {
    ID: (r) => r.id,
    NAME: (r) => r.name,
    POLICY: (r) => r.policyRuleURI,
    CLUSTER: (r) => r.clusterId,
    STATUS: (r) => r.status,
    CREATED: (r) => when(r, "createdAt"),
    FINISHED: (r) => when(r, "finishedAt"),
  }),
  functions: registry((api) => api.functions, "name", {
    NAME: (r) => r.name,
    POLICY: (r) => r.policyRuleURI,
    CLUSTER: (r) => r.clusterId,
    STATUS: (r) => r.status,
    REPLICAS: (r) => r.replicas,
    REVISION: (r) => r.revision,
  }),
  graphs: registry((api) => api.graphs, "graphURI", {
    URI: (r) => r.graphURI,
    FUNCTIONS: (r) => (r.graph && typeof r.graph === "object" ? Object.keys(r.graph).join(",") : "-"),
    DESCRIPTION: (r) => r.description,
    CREATED: (r) => when(r, "createdAt"),
  }),
  auditevents: registry((api) => api.auditEvents, "id", {
    ID: (r) => r.id,
    AT: (r) => when(r, "createdAt"),
    ACTOR: (r) => r.actor,
    ACTION: (r) => r.action,
    TARGET: (r) => r.target,
  }),
  tokens: registry((api) => api.tokens, "id", {
    ID: (r) => r.id,
    NAME: (r) => r.name,
    ROLE: (r) => r.role,
    SCOPE: (r) => r.scope,
    CREATED: (r) => when(r, "createdAt"),
    "LAST USED": (r) => when(r, "lastUsedAt"),
    REVOKED: (r) => when(r, "revokedAt"),
  }),
  containerregistries: registry((api) => api.containerRegistries, "containerRegistryId", {
    ID: (r) => r.containerRegistryId,
    SERVER: (r) => r.server,
    USER: (r) => r.username ?? "-",
    CREDENTIALS: (r) => (r.hasCredentials ? "yes" : "anonymous"),
    TAGS: (r) => list(r, "tags"),
    UPDATED: (r) => when(r, "updatedAt"),
  }),
};

const ALIASES: Record<string, string> = {
  cluster: "clusters",
  node: "nodes",
  gpu: "gpus",
  component: "components",
  asset: "assets",
  block: "blocks",
  instance: "instances",
  vdag: "vdags",
  vdagcontroller: "vdagcontrollers",
  controller: "vdagcontrollers",
  controllers: "vdagcontrollers",
  task: "tasks",
  policy: "policies",
  job: "jobs",
  policyjob: "jobs",
  policyjobs: "jobs",
  function: "functions",
  graph: "graphs",
  audit: "auditevents",
  auditevent: "auditevents",
  token: "tokens",
  containerregistry: "containerregistries",
  registries: "containerregistries",
};

/** The kinds `aios get` knows, for the usage text. */
export const GET_KINDS = Object.keys(KINDS);

export async function getCommand(api: ApiClient, args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      output: { type: "string", short: "o", default: "table" },
      filter: { type: "string" },
      node: { type: "string" },
      block: { type: "string" },
      ...RANKING_OPTIONS,
    },
  });
  const [kindArg, key, ...extra] = positionals;
  if (!kindArg) throw new CliUsageError(`say what to get: ${Object.keys(KINDS).join(", ")}`);
  const name = kindArg.toLowerCase().replaceAll("-", "");
  const kind = KINDS[ALIASES[name] ?? name];
  if (!kind)
    throw new CliUsageError(
      `unknown kind ${JSON.stringify(kindArg)}; one of ${Object.keys(KINDS).join(", ")}`,
    );
  if (extra.length > 0) throw new CliUsageError(`unexpected argument ${JSON.stringify(extra[0])}`);
  if (values.output !== "table" && values.output !== "json") {
    throw new CliUsageError(`-o must be table or json, got ${JSON.stringify(values.output)}`);
  }
  const filter =
    shorthandFilter(ALIASES[name] ?? name, values) ?? (values.filter && parseFilter(values.filter));
  if (key && filter) throw new CliUsageError("give an ID or a filter (--filter, --node, --block), not both");
  const ranking = rankingRule(ALIASES[name] ?? name, values, Boolean(filter));
  const rows = key
    ? [await kind.get(api, key)]
    : filter
      ? await kind.search(api, filter, ranking)
      : await kind.list(api);
  if (values.output === "json") io.out(JSON.stringify(key ? rows[0] : rows, null, 2));
  else io.out(renderTable(kind.columns, rows));
  return 0;
}

/** The fields `--node` and `--block` narrow each kind by (`aios get instances --node N`). */
const SHORTHANDS: Record<string, { node?: string; block?: string }> = {
  instances: { node: "nodeId", block: "blockId" },
  gpus: { node: "nodeId" },
};

/** `--node N` / `--block B` as a filter on the kind's fields; null when neither is given. */
function shorthandFilter(
  kind: string,
  values: { node?: string | undefined; block?: string | undefined; filter?: string | undefined },
): TFilterQuery | null {
  const given = (["node", "block"] as const).filter((o) => values[o] !== undefined);
  if (given.length === 0) return null;
  if (values.filter) throw new CliUsageError(`give --filter or --${given[0]}, not both`);
  const conditions = given.map((option): TFilterQuery => {
    const variable = SHORTHANDS[kind]?.[option];
    if (!variable) {
      const kinds = Object.keys(SHORTHANDS).filter((k) => SHORTHANDS[k]?.[option]);
      throw new CliUsageError(`--${option} narrows ${kinds.join(" and ")} only, not ${kind}`);
    }
    return { variable, operator: "==", value: values[option] as string };
  });
  return conditions.length === 1 ? (conditions[0] as TFilterQuery) : { logicalOperator: "AND", conditions };
}

function parseFilter(text: string): unknown {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new CliUsageError(`--filter is not valid JSON: ${(err as Error).message}`);
  }
  const parsed = ZFilterQuery.safeParse(json);
  if (!parsed.success) throw new CliUsageError(`--filter ${issuesLine(fieldIssues(parsed.error, "(root)"))}`);
  return parsed.data;
}
