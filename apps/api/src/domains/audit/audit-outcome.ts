import type { TAuditOutcome } from "@aios/contracts";

/**
 * The outcome of a call from the HTTP status it was answered with: 2xx/3xx went through; 401, 403
 * and 429 were refused (no token, a role too low or out of scope, a policy's denial, a rate or quota
 * limit); anything else failed (bad input, not found, a conflict, an unreachable or broken service).
 */
export function outcomeOfStatus(status: number): TAuditOutcome {
  if (status < 400) return "ok";
  return status === 401 || status === 403 || status === 429 ? "refused" : "failed";
}

/** Input fields that name what a call acts on, in the order they are looked for. */
const TARGET_FIELDS = [
  "blockId",
  "vdagURI",
  "functionId",
  "graphId",
  "policyRuleURI",
  "assetURI",
  "specURI",
  "specUri",
  "jobId",
  "clusterId",
  "nodeId",
  "tokenId",
  "uri",
  "id",
  "name",
] as const;

/**
 * What a call acts on, from its input: `<field>=<value>` of the first two naming fields it has
 * (`clusterId=c1,nodeId=n1`); null when it has none.
 */
export function targetOfInput(input: unknown): string | null {
  if (!input || typeof input !== "object" || Array.isArray(input)) return null;
  const fields = input as Record<string, unknown>;
  const named = TARGET_FIELDS.filter((f) => typeof fields[f] === "string" && fields[f] !== "")
    .slice(0, 2)
    .map((f) => `${f}=${String(fields[f]).slice(0, 300)}`);
  return named.length > 0 ? named.join(",") : null;
}

/** The largest input kept in an event, as JSON characters: past it the event keeps its size only. */
export const MAX_AUDITED_INPUT_CHARS = 64 * 1024;

/**
 * Fields whose value is a secret (a registry's password, the call token a deployed executor
 * registers with): an event keeps `"[redacted]"` instead.
 */
const SECRET_FIELDS = new Set(["password", "callToken"]);

function redacted(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redacted);
  if (!value || typeof value !== "object") return value;
  return Object.fromEntries(
    Object.entries(value).map(([k, v]) => [k, SECRET_FIELDS.has(k) ? "[redacted]" : redacted(v)]),
  );
}

/**
 * The input as an event keeps it: itself with every secret field redacted, or
 * `{truncated: true, chars}` past MAX_AUDITED_INPUT_CHARS.
 */
export function auditedInput(input: unknown): unknown {
  if (input === undefined) return undefined;
  const chars = JSON.stringify(input)?.length ?? 0;
  return chars > MAX_AUDITED_INPUT_CHARS ? { truncated: true, chars } : redacted(input);
}
