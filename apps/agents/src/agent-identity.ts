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

/** A kept agent token as a store holds it. */
export type KeptToken = z.infer<typeof ZKeptToken>;

/**
 * A second place the agent token is kept, beyond AIOS_HOME: one that outlives the agent's machine
 * or pod (a Kubernetes Secret of its node, kept-token-secret.ts), so a replaced agent pod, its
 * `emptyDir` state gone, needs no new join token.
 */
export interface KeptTokenStore {
  /** Where, for messages. */
  readonly where: string;
  read(): Promise<unknown>;
  write(kept: KeptToken): Promise<void>;
}

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
  store?: KeptTokenStore;
}

/**
 * The token the agent calls the API with: AIOS_AGENT_TOKEN when set; else the one an earlier join
 * with the same AIOS_JOIN_TOKEN gave (kept in a 0600 file under AIOS_HOME, so a restart needs no new
 * join token, and in `store` when given, so a new machine or pod of the node needs none either);
 * else the one AIOS_JOIN_TOKEN is exchanged for now; none in open mode.
 */
export async function agentToken(opts: AgentIdentityOptions): Promise<string | undefined> {
  if (opts.agentToken) return opts.agentToken;
  const file = keptTokenFile(opts.home, opts.clusterId);
  const usable = (k: KeptToken | null): k is KeptToken =>
    k !== null &&
    k.clusterId === opts.clusterId &&
    (!opts.joinToken || k.joinTokenSha256 === sha256(opts.joinToken));
  const kept = readKept(file);
  if (usable(kept)) return kept.token;
  // Kept beyond this machine (the agent's pod was replaced): kept here again too.
  const stored = opts.store ? storedKept(opts.store, await opts.store.read()) : null;
  if (usable(stored)) {
    writeKept(file, stored);
    return stored.token;
  }
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
  if (opts.store && joined.clusterId === opts.clusterId) {
    await opts.store.write({
      token: joined.token,
      clusterId: joined.clusterId,
      nodeId: joined.nodeId,
      joinTokenSha256: sha256(opts.joinToken),
    });
  }
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

function storedKept(store: KeptTokenStore, value: unknown): KeptToken | null {
  if (value === null || value === undefined) return null;
  const kept = ZKeptToken.safeParse(value);
  if (!kept.success) throw new Error(`${store.where}: not a kept agent token; remove it to join again`);
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
