"use client";

import { useQuery } from "@tanstack/react-query";
import { Activity, BellRing, Database, Radio, Workflow } from "lucide-react";
import type { ReactNode } from "react";
import { degradedReason } from "@/components/layout/health";
import { Badge } from "@/components/ui/badge";
import { Card, CardHeader } from "@/components/ui/card";
import { QueryView } from "@/components/ui/query-view";
import { SkeletonRows } from "@/components/ui/skeleton";
import { useNow } from "@/hooks/use-now";
import { formatAgo } from "@/lib/format";
import { useTRPC } from "@/trpc/react";

function Row({ icon, label, children }: { icon: ReactNode; label: string; children: ReactNode }) {
  return (
    <div className="flex items-center justify-between gap-4 px-5 py-3.5">
      <span className="flex items-center gap-2.5 text-sm text-zinc-600">
        {icon}
        {label}
      </span>
      <span className="flex items-center gap-2 text-sm">{children}</span>
    </div>
  );
}

/** A connection the API listens on: heard (green), not needed (grey), or not hearing (amber). */
const heard = (name: string, state: string) => (
  <Badge
    tone={
      state === "listening" ? "success" : ["local", "off", "idle"].includes(state) ? "neutral" : "warning"
    }
    dot
    title={`${name}: ${state}`}
  >
    {name} {state}
  </Badge>
);

const ok = (good: boolean, text: string) => (
  <Badge tone={good ? "success" : "danger"} dot>
    {text}
  </Badge>
);

export function HealthDetails() {
  const trpc = useTRPC();
  const health = useQuery(trpc.health.status.queryOptions(undefined, { refetchInterval: 10_000 }));
  const now = useNow();
  const icon = "size-4 text-zinc-400";
  return (
    <Card className="overflow-hidden" data-testid="health-details">
      <CardHeader
        title="API health"
        description="From health.status, refreshed every 10 seconds"
        actions={
          health.data ? (
            <Badge tone={health.data.status === "ok" ? "success" : "warning"} dot>
              {health.data.status === "ok" ? "Healthy" : "Degraded"}
            </Badge>
          ) : null
        }
      />
      <QueryView query={health} skeleton={<SkeletonRows rows={3} />}>
        {(h) => (
          <div className="divide-y divide-zinc-100">
            {h.status !== "ok" ? (
              <p className="bg-amber-50 px-5 py-3 text-sm text-amber-800">{degradedReason(h)}</p>
            ) : null}
            <Row icon={<Database className={icon} />} label="PostgreSQL">
              {h.postgres.latencyMs !== undefined ? (
                <span className="font-mono text-xs tabular-nums text-zinc-500">
                  {h.postgres.latencyMs} ms
                </span>
              ) : null}
              {ok(h.postgres.ok, h.postgres.ok ? "answering" : "down")}
            </Row>
            <Row icon={<Workflow className={icon} />} label="Queue backend">
              <span className="font-mono text-xs text-zinc-500">{h.queue.backend}</span>
              {h.queue.latencyMs !== undefined ? (
                <span className="font-mono text-xs tabular-nums text-zinc-500">{h.queue.latencyMs} ms</span>
              ) : null}
              {ok(h.queue.ok, h.queue.ok ? "answering" : "down")}
            </Row>
            {h.notifications ? (
              <Row icon={<BellRing className={icon} />} label="Notifications">
                <span className="flex flex-wrap justify-end gap-1.5" data-testid="health-notifications">
                  {heard("live events", h.notifications.liveEvents)}
                  {heard("token changes", h.notifications.tokenChanges)}
                  {heard("replies", h.notifications.replies)}
                </span>
              </Row>
            ) : null}
            <Row icon={<Radio className={icon} />} label="Live agents">
              <span className="font-semibold tabular-nums text-zinc-900" data-testid="live-agents">
                {h.agents.live}
              </span>
              <span className="text-zinc-400">of {h.agents.total}</span>
            </Row>
            {(h.agents.clusters ?? []).map((c) => (
              <Row key={c.id} icon={<Activity className={icon} />} label={`Agent of ${c.id}`}>
                <span className="text-xs text-zinc-500">
                  {c.lastSeenAt ? formatAgo(c.lastSeenAt, now) : "never"}
                </span>
                <Badge tone={c.live ? "success" : "warning"} dot>
                  {c.live ? "live" : "stale"}
                </Badge>
              </Row>
            ))}
          </div>
        )}
      </QueryView>
    </Card>
  );
}
