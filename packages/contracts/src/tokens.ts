import { z } from "zod";
import { isDnsLabel, ZDnsLabel } from "./ids";
import { DOTTED_NAME_RE, parseVdagUri } from "./uri";

/**
 * The roles an API token carries: people's ranked roles (viewer < operator < admin), a cluster's
 * agent, a data-plane key (`data`: invokes the blocks and vDAGs its scopes name, nothing else) and
 * a cluster join token (`join`: exchanged once for an agent token, nothing else).
 */
export const TOKEN_ROLES = ["admin", "operator", "viewer", "agent", "data", "join"] as const;
export type TTokenRole = (typeof TOKEN_ROLES)[number];

/** The roles `tokens.create` issues; agent tokens come from a join token, join tokens from `clusters.joinToken`. */
export const ISSUABLE_ROLES = ["viewer", "operator", "admin", "data"] as const;
export const ZIssuableRole = z.enum(ISSUABLE_ROLES, {
  error: `must be one of ${ISSUABLE_ROLES.join(", ")}`,
});

const UNIT_MS = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 } as const;
/** The longest lifetime a token may be given (ten years). */
export const MAX_EXPIRES_MS = 3650 * UNIT_MS.d;
export const EXPIRES_IN_HINT =
  "a whole number followed by m, h, d or w (minutes, hours, days, weeks), e.g. 30d or 1h";

/** `30d`, `1h`, `15m`, `2w` in milliseconds, or why the text is not a lifetime. */
export function parseExpiresIn(text: string): { ok: true; ms: number } | { ok: false; error: string } {
  const m = /^(\d{1,6})([mhdw])$/.exec(text.trim());
  if (!m) return { ok: false, error: `${JSON.stringify(text)} must be ${EXPIRES_IN_HINT}` };
  const ms = Number(m[1]) * UNIT_MS[m[2] as keyof typeof UNIT_MS];
  if (ms <= 0) return { ok: false, error: `${JSON.stringify(text)} must be longer than zero` };
  if (ms > MAX_EXPIRES_MS) return { ok: false, error: `${JSON.stringify(text)} is longer than 3650d` };
  return { ok: true, ms };
}

export const ZExpiresIn = z.string().superRefine((value, ctx) => {
  const parsed = parseExpiresIn(value);
  if (!parsed.ok) ctx.addIssue({ code: "custom", message: parsed.error, input: value });
});

export const DATA_SCOPE_HINT =
  "must be block:<blockId> or vdag:<vdagURI>, with '*' allowed in the last ':' segment only (e.g. block:echo, vdag:text-pipeline:*), asset:<sha256> (downloading that blob of the assets registry) or metrics:<clusterId> (reading that cluster's metrics: POST /v1/clusters/<clusterId>/metrics/query)";

const BLOCK_GLOB_RE = /^[a-z0-9*][-a-z0-9*]*$/;
const VDAG_TAIL_GLOB_RE = /^[0-9A-Za-z._+~*-]+$/;

/** Why a data scope is not well formed, or null when it is. */
export function dataScopeProblem(scope: string): string | null {
  const colon = scope.indexOf(":");
  const kind = colon < 0 ? "" : scope.slice(0, colon);
  const value = colon < 0 ? "" : scope.slice(colon + 1);
  const bad = (why: string) => `${JSON.stringify(scope)}: ${why}; a scope ${DATA_SCOPE_HINT}`;
  if (kind === "block") {
    if (value.includes("*"))
      return BLOCK_GLOB_RE.test(value) && value.length <= 63 ? null : bad("not a block id or glob");
    return isDnsLabel(value) ? null : bad("not a block id (a DNS-1123 label)");
  }
  if (kind === "asset")
    return /^[0-9a-f]{64}$/.test(value) ? null : bad("not a SHA-256 digest (64 lowercase hex digits)");
  if (kind === "metrics") return isDnsLabel(value) ? null : bad("not a cluster id (a DNS-1123 label)");
  if (kind !== "vdag") return bad(`unknown kind ${JSON.stringify(kind)}`);
  if (!value.includes("*"))
    return parseVdagUri(value).ok ? null : bad("not a vDAG URI (<vdagName>:<version>-<releaseTag>)");
  const segments = value.split(":");
  if (segments.length > 2) return bad("more than one ':' in the vDAG URI");
  const last = segments.at(-1) ?? "";
  const head = segments.length === 2 ? (segments[0] ?? "") : null;
  if (head !== null && (head.includes("*") || !DOTTED_NAME_RE.test(head)))
    return bad("'*' may only be in the last segment, after a vDAG name");
  const ok = head === null ? /^[A-Za-z0-9*][A-Za-z0-9._*-]*$/.test(last) : VDAG_TAIL_GLOB_RE.test(last);
  return ok ? null : bad("the last segment has characters a vDAG URI cannot have");
}

export const ZDataScope = z.string().superRefine((value, ctx) => {
  const problem = dataScopeProblem(value);
  if (problem) ctx.addIssue({ code: "custom", message: problem, input: value });
});

/**
 * Whether a scope grants `kind` `target` (a block id, a vDAG URI, a blob's digest). A `*` matches
 * any run of characters, so `vdag:text-pipeline:*` grants every version of text-pipeline and
 * `vdag:text-*` every vDAG whose name starts with `text-` (an asset scope has none: one digest; a
 * metrics scope none either: one cluster).
 */
export function scopeGrants(
  scope: string,
  kind: "block" | "vdag" | "asset" | "metrics",
  target: string,
): boolean {
  const prefix = `${kind}:`;
  if (!scope.startsWith(prefix)) return false;
  const pattern = scope.slice(prefix.length);
  if (!pattern.includes("*")) return pattern === target;
  const re = pattern.split("*").map((part) => part.replace(/[.+?^${}()|[\]\\]/g, "\\$&"));
  return new RegExp(`^${re.join(".*")}$`).test(target);
}

/** A token's name: what it is for, shown in lists and in the audit trail. */
export const ZTokenName = z
  .string()
  .trim()
  .min(1, { error: "must not be empty" })
  .max(120, { error: "must be at most 120 characters" })
  .refine((s) => !/[\p{Cc}]/u.test(s), { error: "must not contain control characters" });

export const ZTokenCreateRequest = z
  .object({
    name: ZTokenName,
    role: ZIssuableRole,
    /** Unset: the token does not expire. */
    expiresIn: ZExpiresIn.optional(),
    scopes: z.array(ZDataScope).max(100, { error: "at most 100 scopes" }).default([]),
  })
  .superRefine((value, ctx) => {
    if (value.role === "data" && value.scopes.length === 0)
      ctx.addIssue({ code: "custom", path: ["scopes"], message: "a data token needs at least one scope" });
    if (value.role !== "data" && value.scopes.length > 0)
      ctx.addIssue({
        code: "custom",
        path: ["scopes"],
        message: `only data tokens take scopes, not ${value.role}`,
      });
  });
export type TTokenCreateRequest = z.input<typeof ZTokenCreateRequest>;

/** A cluster's join token: one use, exchanged by the cluster's agent for its own agent token. */
export const ZJoinTokenRequest = z.object({
  clusterId: ZDnsLabel,
  expiresIn: ZExpiresIn.optional(),
  /** How many nodes' agents may join with it (each once): a cluster's DaemonSet of agents. */
  nodes: z
    .number({ error: "nodes must be a whole number of nodes, 1 to 10000" })
    .int("nodes must be a whole number of nodes, 1 to 10000")
    .min(1, "nodes must be at least 1")
    .max(10_000, "nodes must be at most 10000")
    .optional(),
});
export type TJoinTokenRequest = z.input<typeof ZJoinTokenRequest>;

/** What an agent sends to exchange its join token (`agents.join`). */
export const ZAgentJoinRequest = z.object({
  joinToken: z.string().min(1).max(200),
  nodeId: ZDnsLabel.optional(),
});
export type TAgentJoinRequest = z.infer<typeof ZAgentJoinRequest>;

export const ZAgentJoined = z.object({
  token: z.string(),
  tokenId: z.string(),
  clusterId: z.string(),
  nodeId: z.string().nullable(),
});
export type TAgentJoined = z.infer<typeof ZAgentJoined>;
