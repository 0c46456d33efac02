import type { TPolicyLogEntry } from "@aios/contracts";
import { Badge, type BadgeTone } from "@/components/ui/badge";
import { cn } from "@/lib/cn";

const LOG_TONES: Record<TPolicyLogEntry["level"], BadgeTone> = {
  log: "neutral",
  info: "accent",
  debug: "neutral",
  warn: "warning",
  error: "danger",
};

/** What a policy logged (`log.info(...)` and the like) during one call, each line with its level. */
export function PolicyLogs({
  logs,
  className,
  testId,
}: {
  logs: TPolicyLogEntry[];
  className?: string;
  testId?: string;
}) {
  if (logs.length === 0) return <p className="text-xs text-zinc-400">No logs.</p>;
  return (
    <ul className={cn("max-h-48 space-y-1 overflow-y-auto", className)} data-testid={testId}>
      {logs.map((log, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: logs are an immutable list
        <li key={i} className="flex items-start gap-2 text-xs">
          <Badge tone={LOG_TONES[log.level]} className="px-1.5 py-0 font-mono text-[10px]">
            {log.level}
          </Badge>
          <span className="min-w-0 whitespace-pre-wrap break-words font-mono text-zinc-700">
            {log.message}
          </span>
        </li>
      ))}
    </ul>
  );
}
