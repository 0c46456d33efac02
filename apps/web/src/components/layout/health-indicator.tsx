"use client";

import { useQuery } from "@tanstack/react-query";
import { Tooltip } from "@/components/ui/tooltip";
import { cn } from "@/lib/cn";
import { useTRPC } from "@/trpc/react";
import { degradedReason } from "./health";

const STYLES = {
  ok: { dot: "bg-emerald-500", ring: "ring-emerald-200 bg-emerald-50 text-emerald-700", label: "Connected" },
  degraded: { dot: "bg-amber-500", ring: "ring-amber-200 bg-amber-50 text-amber-800", label: "Degraded" },
  down: { dot: "bg-red-500", ring: "ring-red-200 bg-red-50 text-red-700", label: "API unreachable" },
  checking: { dot: "bg-zinc-400", ring: "ring-zinc-200 bg-zinc-50 text-zinc-600", label: "Checking…" },
} as const;

export function HealthIndicator() {
  const trpc = useTRPC();
  const health = useQuery({
    ...trpc.health.status.queryOptions(undefined, { refetchInterval: 10_000, retry: false }),
    refetchIntervalInBackground: true,
  });

  let state: keyof typeof STYLES = "checking";
  let tip: string | undefined;
  if (health.isError) {
    state = "down";
    tip = health.error.message;
  } else if (health.data) {
    state = health.data.status === "ok" ? "ok" : "degraded";
    tip = state === "ok" ? "Postgres and queues answer" : degradedReason(health.data);
  }
  const s = STYLES[state];

  return (
    <Tooltip content={tip}>
      <button
        type="button"
        data-testid="health-indicator"
        data-state={state}
        className={cn(
          "inline-flex cursor-default items-center gap-2 rounded-full px-2.5 py-1 text-xs font-medium ring-1",
          s.ring,
        )}
      >
        <span className="relative flex size-2">
          {state === "ok" ? (
            <span
              className={cn("absolute inline-flex size-full animate-ping rounded-full opacity-60", s.dot)}
            />
          ) : null}
          <span className={cn("relative inline-flex size-2 rounded-full", s.dot)} />
        </span>
        {s.label}
      </button>
    </Tooltip>
  );
}
