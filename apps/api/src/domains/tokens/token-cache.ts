import type { Logger } from "@aios/service-kit";
import type { ActiveToken } from "../../auth/resolve-principal";
import { startListener } from "../events/pg-listener";

/** Where PostgreSQL announces a token's change (the migration `api_token_changes`: a trigger on `api_tokens`). */
export const TOKEN_CHANGES_CHANNEL = "aios_api_token_changes";
/** The payload that forgets every token (the table was emptied). */
const EVERY_TOKEN = "*";

/** A token as read from `api_tokens`, revoked ones included (`findActive` decides). */
export type StoredToken = ActiveToken & { revokedAt: Date | null };

export interface TokenCacheOptions {
  /** The longest a token read is kept, whatever was heard (a safety net under the notifications). */
  maxAgeMs?: number;
  /** The most tokens kept; past it the oldest read is dropped. */
  maxEntries?: number;
}

/** Where a cache hears of changes: is it listening, and since which connection. */
export interface ChangeFeed {
  /** True while the feed's connection LISTENs: only then are tokens kept and used. */
  listening(): boolean;
  /** Counts the feed's connections: a token kept under another one may have missed a change. */
  session(): number;
}

interface Kept {
  token: StoredToken;
  at: number;
  session: number;
}

/**
 * Tokens read by their hash, kept by the API process that read them while PostgreSQL tells it of
 * every change (`TOKEN_CHANGES_CHANNEL`): a revocation, a new role, scope or expiry, a removal.
 * So a request's token costs no database round trip, and a revocation still holds from the next
 * request on in every API process as soon as the notification arrives (milliseconds after the
 * change commits).
 *
 * Fail-safe: tokens are used only while the feed listens; what was kept under a connection that
 * was lost is never used again (changes may have been missed meanwhile; a link cut without notice
 * is found by the feed's heartbeat within seconds); a read that began before a change was heard
 * is not kept (it may predate the change); every token is read again after `maxAgeMs` at most. A
 * token that is not found is never kept, so a new one works at once.
 */
export function createTokenCache(feed: ChangeFeed, opts: TokenCacheOptions = {}) {
  const maxAgeMs = opts.maxAgeMs ?? 30_000;
  const maxEntries = opts.maxEntries ?? 10_000;
  const byHash = new Map<string, Kept>();
  const hashesOf = new Map<string, Set<string>>();
  /** Changes heard so far: a read that saw this count change while it was under way is not kept. */
  let changes = 0;

  const drop = (hash: string) => {
    const kept = byHash.get(hash);
    byHash.delete(hash);
    if (!kept) return;
    const hashes = hashesOf.get(kept.token.id);
    hashes?.delete(hash);
    if (hashes?.size === 0) hashesOf.delete(kept.token.id);
  };

  return {
    /** What is kept for `hash`, when it may be used; undefined: read it. */
    get(hash: string, now = Date.now()): StoredToken | undefined {
      const kept = byHash.get(hash);
      if (!kept) return undefined;
      if (!feed.listening() || kept.session !== feed.session() || now - kept.at >= maxAgeMs) {
        drop(hash);
        return undefined;
      }
      return kept.token;
    },

    /** Reads `hash` with `read` and keeps what it found, unless a change was heard meanwhile. */
    async read(hash: string, read: () => Promise<StoredToken | undefined>): Promise<StoredToken | undefined> {
      const before = changes;
      const session = feed.session();
      const token = await read();
      if (token && changes === before && feed.listening() && feed.session() === session) {
        if (byHash.size >= maxEntries) drop(byHash.keys().next().value as string);
        byHash.set(hash, { token, at: Date.now(), session });
        const hashes = hashesOf.get(token.id) ?? new Set<string>();
        hashes.add(hash);
        hashesOf.set(token.id, hashes);
      }
      return token;
    },

    /** Forgets the token with this id (`*`: every token). */
    forget(id: string): void {
      changes++;
      if (id === EVERY_TOKEN) {
        byHash.clear();
        hashesOf.clear();
        return;
      }
      for (const hash of [...(hashesOf.get(id) ?? [])]) drop(hash);
    },

    size: () => byHash.size,
    /** Whether its feed listens (tokens are kept and used only then). */
    listening: () => feed.listening(),
  };
}

export type TokenCache = ReturnType<typeof createTokenCache>;

/**
 * The feed of token changes: a connection of its own LISTENs on `TOKEN_CHANGES_CHANNEL` and hands
 * each token id it hears to `onChange`. Made again when it is lost (`startListener`).
 */
export function startTokenChanges(opts: {
  databaseUrl: string;
  log: Logger;
  onChange(id: string): void;
  heartbeatMs?: number;
}) {
  const listener = startListener({
    databaseUrl: opts.databaseUrl,
    channel: TOKEN_CHANGES_CHANNEL,
    applicationName: "aios-api-token-changes",
    name: "token changes",
    log: opts.log,
    // A link cut without notice is found by an unanswered heartbeat: at most twice this.
    heartbeatMs: opts.heartbeatMs ?? 2_000,
    onNotification: (id) => opts.onChange(id),
  });
  return {
    listening: () => listener.state() === "listening",
    // Each lost connection starts a new session: what was kept before it is not used.
    session: () => listener.reconnects(),
    /** Resolves once the feed listens. */
    ready: () => listener.listening(),
    stop: () => listener.stop(),
  };
}
