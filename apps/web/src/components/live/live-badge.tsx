import { Badge } from "@/components/ui/badge";
import type { LiveState } from "@/lib/live/use-live-block-status";

const LOOK: Record<LiveState, { tone: "success" | "neutral" | "warning"; text: string; title: string }> = {
  live: { tone: "success", text: "Live", title: "Status changes arrive as they happen" },
  connecting: { tone: "neutral", text: "Connecting…", title: "Opening the live stream; polling meanwhile" },
  offline: {
    tone: "warning",
    text: "Polling",
    title: "The live stream is unavailable; refreshing periodically",
  },
};

/** Whether a page's data is streamed (`useLiveBlockStatus`) or only polled. */
export function LiveBadge({ state }: { state: LiveState }) {
  const look = LOOK[state];
  return (
    <Badge
      tone={look.tone}
      dot
      title={look.title}
      data-testid="live-status"
      data-state={state}
      aria-live="polite"
    >
      {look.text}
    </Badge>
  );
}
