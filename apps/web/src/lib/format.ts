/** Formatting for the console. Inputs are the API's ISO-8601 strings and raw megabytes. */

export function secondsSince(iso: string | null, now: number): number | null {
  if (!iso) return null;
  return Math.max(0, Math.round((now - Date.parse(iso)) / 1000));
}

export function formatAgo(iso: string | null, now: number): string {
  const s = secondsSince(iso, now);
  if (s === null) return "never";
  if (s < 60) return `${s}s ago`;
  if (s < 3600) return `${Math.floor(s / 60)}m ago`;
  if (s < 86_400) return `${Math.floor(s / 3600)}h ago`;
  return `${Math.floor(s / 86_400)}d ago`;
}

export function formatDateTime(iso: string | null): string {
  if (!iso) return "—";
  const d = new Date(iso);
  return d.toLocaleString("en-GB", {
    year: "numeric",
    month: "short",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
  });
}

export function formatGiB(mb: number | null): string {
  if (mb === null) return "—";
  const gib = mb / 1024;
  if (gib >= 1024) return `${(gib / 1024).toFixed(1)} TiB`;
  return `${gib >= 100 ? gib.toFixed(0) : gib.toFixed(1)} GiB`;
}

/** A cluster is live when its agent's heartbeat is fresher than this. */
export const LIVE_WITHIN_SECONDS = 30;

export function isLive(lastSeenAt: string | null, now: number): boolean {
  const s = secondsSince(lastSeenAt, now);
  return s !== null && s <= LIVE_WITHIN_SECONDS;
}
