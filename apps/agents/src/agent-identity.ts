import { createHash } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import type { TAgentJoined } from "@aios/contracts";
import { z } from "zod";

/** The agent token a join gave, kept so a restart needs no new join token. */
const ZKeptToken = z.object({
  token: z.string().min(1),
  clusterId: z.string(),
  nodeId: z.string().nullable(),
  /** The SHA-256 of the join token it came from: a different AIOS_JOIN_TOKEN joins anew. */
  joinTokenSha256: z.string(),
});

/** Where an agent of `clusterId` keeps the agent token its join gave (0600, in a 0700 directory). */
export const keptTokenFile = (home: string, clusterId: string) =>
  join(resolve(home), "agent", clusterId, "agent-token.json");

const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");

export interface AgentIdentityOptions {
  home: string;
  clusterId: string;
  nodeId: string;
  /** AIOS_AGENT_TOKEN: used as is when given. */
  agentToken?: string | undefined;
  /** AIOS_JOIN_TOKEN: exchanged once (agents.join) for an agent token of this cluster and node. */
  joinToken?: string | undefined;
  /** The exchange, `agents.join` on the API. */
  join(joinToken: string, nodeId: string): Promise<TAgentJoined>;
}

/**
 * The token the agent calls the API with: AIOS_AGENT_TOKEN when set; else the one an earlier join
 * with the same AIOS_JOIN_TOKEN gave (kept in a 0600 file under AIOS_HOME, so a restart needs no new
 * join token); else the one AIOS_JOIN_TOKEN is exchanged for now; none in open mode.
 */
export async function agentToken(opts: AgentIdentityOptions): Promise<string | undefined> {
  if (opts.agentToken) return opts.agentToken;
  const file = keptTokenFile(opts.home, opts.clusterId);
  const kept = readKept(file);
  if (kept && (!opts.joinToken || kept.joinTokenSha256 === sha256(opts.joinToken))) return kept.token;
  if (!opts.joinToken) return undefined;

  let joined: TAgentJoined;
  try {
    joined = await opts.join(opts.joinToken, opts.nodeId);
  } catch (err) {
    throw new Error(`AIOS_JOIN_TOKEN was not accepted: ${(err as Error).message}`);
  }
  const keptAt = keptTokenFile(opts.home, joined.clusterId);
  writeKept(keptAt, {
    token: joined.token,
    clusterId: joined.clusterId,
    nodeId: joined.nodeId,
    joinTokenSha256: sha256(opts.joinToken),
  });
  if (joined.clusterId !== opts.clusterId) {
    throw new Error(
      `AIOS_JOIN_TOKEN joins cluster ${joined.clusterId}, but AIOS_CLUSTER_ID is ${opts.clusterId}: ` +
        `start the agent with AIOS_CLUSTER_ID=${joined.clusterId} (its agent token is kept in ${keptAt})`,
    );
  }
  return joined.token;
}

function readKept(file: string): z.infer<typeof ZKeptToken> | null {
  if (!existsSync(file)) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, "utf8"));
  } catch (err) {
    throw new Error(
      `${file}: the kept agent token is not JSON (${(err as Error).message}); remove the file to join again`,
    );
  }
  const kept = ZKeptToken.safeParse(parsed);
  if (!kept.success) throw new Error(`${file}: not a kept agent token; remove the file to join again`);
  return kept.data;
}

/** Written whole or not at all (a temporary file renamed), readable by the agent's user alone. */
function writeKept(file: string, kept: z.infer<typeof ZKeptToken>): void {
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(kept)}\n`, { mode: 0o600 });
  chmodSync(temporary, 0o600);
  renameSync(temporary, file);
}
