import { sinceToIso, type TAuditListQuery, type TAuditOutcome } from "@aios/contracts";

/** What the Audit page filters on, as its controls hold it ("" = any). */
export interface AuditFilters {
  /** A duration back (`1h`, `24h`, `7d`) or "" for all time. */
  since: string;
  principal: string;
  action: string;
  outcome: "" | TAuditOutcome;
}

export const NO_AUDIT_FILTERS: AuditFilters = { since: "24h", principal: "", action: "", outcome: "" };

/** The time windows the page offers. */
export const SINCE_CHOICES = ["1h", "24h", "7d", "30d"] as const;

/** Events per page. */
export const AUDIT_PAGE_SIZE = 50;

/**
 * The `auditEvents.list` input for the filters and a page (0 = newest). `since` is resolved
 * against `now` once, so one query keeps one window while it refetches.
 */
export function auditQueryOf(filters: AuditFilters, page: number, now: Date): TAuditListQuery {
  const principal = filters.principal.trim();
  const action = filters.action.trim();
  return {
    limit: AUDIT_PAGE_SIZE,
    offset: page * AUDIT_PAGE_SIZE,
    ...(filters.since ? { since: sinceToIso(filters.since, now) } : {}),
    ...(principal ? { principal } : {}),
    ...(action ? { action } : {}),
    ...(filters.outcome ? { outcome: filters.outcome } : {}),
  };
}

/** The same events from the CLI. */
export function auditCommandOf(filters: AuditFilters): string {
  const quote = (v: string) => (/^[\w.:*@-]+$/.test(v) ? v : `'${v.replace(/'/g, `'\\''`)}'`);
  const parts = ["npx aios audit"];
  if (filters.since) parts.push(`--since ${filters.since}`);
  if (filters.principal.trim()) parts.push(`--principal ${quote(filters.principal.trim())}`);
  if (filters.action.trim()) parts.push(`--action ${quote(filters.action.trim())}`);
  if (filters.outcome) parts.push(`--outcome ${filters.outcome}`);
  return parts.join(" ");
}
