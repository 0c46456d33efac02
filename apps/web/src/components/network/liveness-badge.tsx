import { Badge } from "@/components/ui/badge";
import { formatAgo, isLive } from "@/lib/format";

/** Live when the cluster agent's last heartbeat is under 30 s old; stale otherwise. */
export function LivenessBadge({ lastSeenAt, now }: { lastSeenAt: string | null; now: number }) {
  const live = isLive(lastSeenAt, now);
  return (
    <span className="inline-flex items-center gap-2">
      <Badge tone={live ? "success" : "warning"} dot data-testid="liveness">
        {live ? "live" : "stale"}
      </Badge>
      <span className="text-xs text-zinc-500 tabular-nums">
        {lastSeenAt ? `last seen ${formatAgo(lastSeenAt, now)}` : "no heartbeat yet"}
      </span>
    </span>
  );
}
