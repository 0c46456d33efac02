import {
  dataScopeProblem,
  ISSUABLE_ROLES,
  isDnsLabel,
  parseExpiresIn,
  type TApiTokenIssued,
  type TApiTokenRecord,
  ZTokenName,
} from "@aios/contracts";
import type { ApiClient } from "../api-client";
import { noMore, parseOrRefuse } from "./args";
import { nodesOf, ONBOARD_USAGE, offboardCommand, onboardCommand } from "./cluster-onboard";
import { type CliIo, CliUsageError } from "./io";
import { renderTable } from "./table";
import { intValue, print } from "./values";

export const TOKEN_USAGE = `  aios token create --role viewer|operator|admin|data --name NAME [--expires 30d] [--scope SCOPE]...
                                          issue an API token (admin); its secret is printed once.
                                          A data key needs a --scope per block or vDAG it may
                                          invoke: block:ID or vdag:URI, '*' in the last segment
                                          (vdag:text-pipeline:*). --expires: N m|h|d|w
  aios token list [-o table|json] [--limit N] [--offset N]
                                          the API tokens (never their secrets)
  aios token revoke ID                    revoke a token (revoking it again changes nothing)
  aios cluster join-token CLUSTER [--expires 1h] [--nodes N]
                                          a token the cluster's new agents join with
                                          (AIOS_JOIN_TOKEN), once each, N of them (--nodes, 1 by
                                          default); it expires in 1h unless told
${ONBOARD_USAGE}`;

function expiresValue(command: string, value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const parsed = parseExpiresIn(value);
  if (!parsed.ok) throw new CliUsageError(`${command} --expires: ${parsed.error}`);
  return value;
}

export async function tokenCommand(api: ApiClient, args: string[], io: CliIo): Promise<number> {
  const [sub, ...rest] = args;
  switch (sub) {
    case "create":
      return createToken(api, rest, io);
    case "list":
      return listTokens(api, rest, io);
    case "revoke": {
      const { positionals } = parseOrRefuse("token revoke", rest, {});
      const [id, ...extra] = positionals;
      if (!id) throw new CliUsageError("token revoke needs the token's ID (aios token list shows them)");
      noMore("token revoke", extra);
      const r = await api.tokens.revoke.mutate({ id });
      io.out(`token ${r.id} (${r.name}) revoked at ${r.revokedAt}`);
      return 0;
    }
    default:
      throw new CliUsageError(`unknown token command ${JSON.stringify(sub ?? "")}: create, list or revoke`);
  }
}

async function createToken(api: ApiClient, args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseOrRefuse("token create", args, {
    role: { type: "string" },
    name: { type: "string" },
    expires: { type: "string" },
    scope: { type: "string", multiple: true },
    output: { type: "string", short: "o" },
  });
  noMore("token create", positionals);
  const role = values.role;
  if (!role) throw new CliUsageError(`token create needs --role (${ISSUABLE_ROLES.join(", ")})`);
  if (!(ISSUABLE_ROLES as readonly string[]).includes(role))
    throw new CliUsageError(
      `token create --role must be one of ${ISSUABLE_ROLES.join(", ")}, got ${JSON.stringify(role)}`,
    );
  if (values.name === undefined) throw new CliUsageError("token create needs --name (what the token is for)");
  const name = ZTokenName.safeParse(values.name);
  if (!name.success)
    throw new CliUsageError(`token create --name ${name.error.issues[0]?.message ?? "is not valid"}`);
  const scopes = values.scope ?? [];
  if (role === "data" && scopes.length === 0)
    throw new CliUsageError("token create --role data needs at least one --scope (block:ID or vdag:URI)");
  if (role !== "data" && scopes.length > 0)
    throw new CliUsageError(`token create --scope is for --role data only, not ${role}`);
  for (const scope of scopes) {
    const problem = dataScopeProblem(scope);
    if (problem) throw new CliUsageError(`token create --scope ${problem}`);
  }
  const output = outputOf("token create", values.output);
  const expiresIn = expiresValue("token create", values.expires);
  const created = await api.tokens.create.mutate({
    name: name.data,
    role: role as (typeof ISSUABLE_ROLES)[number],
    scopes,
    ...(expiresIn ? { expiresIn } : {}),
  });
  showIssued(io, created, output);
  return 0;
}

async function listTokens(api: ApiClient, args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseOrRefuse("token list", args, {
    output: { type: "string", short: "o" },
    limit: { type: "string" },
    offset: { type: "string" },
  });
  noMore("token list", positionals);
  const output = outputOf("token list", values.output);
  const limit = intValue("--limit", values.limit);
  if (limit === 0) throw new CliUsageError("--limit must be at least 1");
  const offset = intValue("--offset", values.offset);
  const rows = await api.tokens.list.query({ ...(limit ? { limit } : {}), ...(offset ? { offset } : {}) });
  if (output === "json") print(io.out, rows);
  else io.out(renderTable(TOKEN_COLUMNS, rows));
  return 0;
}

export async function clusterCommand(api: ApiClient, args: string[], io: CliIo): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === "onboard") return onboardCommand(api, rest, io);
  if (sub === "offboard") return offboardCommand(api, rest, io);
  if (sub !== "join-token")
    throw new CliUsageError(
      `unknown cluster command ${JSON.stringify(sub ?? "")}: join-token, onboard or offboard`,
    );
  const { values, positionals } = parseOrRefuse("cluster join-token", rest, {
    expires: { type: "string" },
    nodes: { type: "string" },
    output: { type: "string", short: "o" },
  });
  const [clusterId, ...extra] = positionals;
  if (!clusterId) throw new CliUsageError("cluster join-token needs the CLUSTER id");
  noMore("cluster join-token", extra);
  if (!isDnsLabel(clusterId))
    throw new CliUsageError(
      `cluster join-token: CLUSTER ${JSON.stringify(clusterId)} must be a DNS-1123 label (lowercase letters, digits and '-')`,
    );
  const output = outputOf("cluster join-token", values.output);
  const expiresIn = expiresValue("cluster join-token", values.expires);
  const nodes = nodesOf("cluster join-token --nodes", values.nodes) ?? 1;
  const issued = await api.clusters.joinToken.mutate({
    clusterId,
    nodes,
    ...(expiresIn ? { expiresIn } : {}),
  });
  const uses = nodes === 1 ? "one use" : `one use by each of ${nodes} nodes`;
  showIssued(io, issued, output, `start the cluster's agents with AIOS_JOIN_TOKEN=<token> (${uses})`);
  return 0;
}

function outputOf(command: string, value: string | undefined): "table" | "json" {
  if (value === undefined || value === "table") return "table";
  if (value === "json") return "json";
  throw new CliUsageError(`${command}: -o must be table or json, got ${JSON.stringify(value)}`);
}

const when = (iso: string | null) => (iso ? iso.replace("T", " ").replace(/\.\d+Z$/, "Z") : null);

const TOKEN_COLUMNS: Record<string, (r: TApiTokenRecord) => unknown> = {
  ID: (r) => r.id,
  NAME: (r) => r.name,
  ROLE: (r) => r.role,
  SCOPE: (r) => [r.scope, ...r.scopes].filter(Boolean).join(" "),
  EXPIRES: (r) => when(r.expiresAt) ?? "never",
  "LAST USED": (r) => when(r.lastUsedAt),
  REVOKED: (r) => when(r.revokedAt),
};

/** The secret on its own line (for scripts: `| head -1`), then what it is; shown this once. */
function showIssued(io: CliIo, issued: TApiTokenIssued, output: "table" | "json", hint?: string) {
  if (output === "json") return print(io.out, issued);
  io.out(issued.token);
  const scopes = issued.scopes.length ? `, scopes ${issued.scopes.join(" ")}` : "";
  const cluster = issued.scope ? `, cluster ${issued.scope}` : "";
  const expires = issued.expiresAt ? `expires ${when(issued.expiresAt)}` : "does not expire";
  io.err(
    `token ${issued.id} (${issued.name}): role ${issued.role}${cluster}${scopes}; ${expires}. ` +
      `The secret above is shown this once${hint ? `; ${hint}` : ""}.`,
  );
}
