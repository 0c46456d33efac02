"use client";

import type { TBlockEventRecord } from "@aios/contracts";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useSubscription } from "@trpc/tanstack-react-query";
import { useState } from "react";
import { LiveBadge } from "@/components/live/live-badge";
import { Badge, type BadgeTone } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardHeader } from "@/components/ui/card";
import { formatDateTime } from "@/lib/format";
import { type LiveState, pollInterval } from "@/lib/live/use-live-block-status";
import { useTRPC } from "@/trpc/react";

const PAGE = 50;
const MAX = 500;

/** An event's tone: trouble red, recovery and growth green, the rest neutral (instances' own: accent). */
export function eventTone(e: Pick<TBlockEventRecord, "name" | "source">): BadgeTone {
  if (e.source === "instance") return "accent";
  if (["instance_crashed", "instance_unhealthy", "policy_failed"].includes(e.name)) return "danger";
  if (["instance_started", "instance_healthy", "scaled_up"].includes(e.name)) return "success";
  if (["instances_replaced", "scaled_down"].includes(e.name)) return "warning";
  return "neutral";
}

const json = (v: unknown, max = 160) => {
  const text = v === undefined ? "" : JSON.stringify(v);
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
};

/** What the block's event policy answered, in a line: its output (and action), or its error. */
export function outcomeLine(e: TBlockEventRecord): { text: string; failed: boolean } | null {
  const o = e.outcome;
  if (!o) return null;
  if (!o.ok) return { text: `${o.policyRuleURI} failed: ${o.error ?? ""}`, failed: true };
  const action = o.action === undefined ? "" : ` · action ${json(o.action, 120)}`;
  return { text: `${o.policyRuleURI} → ${json(o.output)}${action}`, failed: false };
}

/**
 * The block's events, newest first: what the platform saw (instances started, crashed, healthy,
 * scaling, failed policies) and what its instances emitted, each with what its event policy
 * answered. New ones arrive live (`blocks.onEvent`); polled while the stream is down.
 */
export function EventsCard({ blockId }: { blockId: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [limit, setLimit] = useState(PAGE);
  const sub = useSubscription(
    trpc.blocks.onEvent.subscriptionOptions(
      { id: blockId },
      {
        onData: () =>
          void queryClient.invalidateQueries({
            queryKey: trpc.blocks.events.queryKey({ id: blockId, limit }),
          }),
      },
    ),
  );
  const state: LiveState =
    sub.status === "pending" ? "live" : sub.status === "error" ? "offline" : "connecting";
  const events = useQuery(
    trpc.blocks.events.queryOptions(
      { id: blockId, limit },
      { refetchInterval: pollInterval(state, 5_000, 60_000), retry: false },
    ),
  );
  const rows = events.data ?? [];
  return (
    <Card className="overflow-hidden" data-testid="events-card">
      <CardHeader
        title="Events"
        description="What happened to the block and what its instances emitted, newest first, with what its event policy answered."
        actions={<LiveBadge state={state} />}
      />
      {events.isError ? (
        <p role="alert" className="px-5 py-4 text-sm text-red-700">
          {events.error.message}
        </p>
      ) : events.isPending ? (
        <p className="px-5 py-4 text-sm text-zinc-500">Loading…</p>
      ) : rows.length === 0 ? (
        <p className="px-5 py-4 text-sm text-zinc-400">No event yet.</p>
      ) : (
        <ol className="max-h-[28rem] divide-y divide-zinc-100 overflow-auto" data-testid="events-list">
          {rows.map((e) => {
            const outcome = outcomeLine(e);
            return (
              <li key={e.id} className="px-5 py-3" data-testid="event-row" data-event={e.name}>
                <div className="flex items-start gap-3">
                  <Badge tone={eventTone(e)} dot>
                    {e.name}
                  </Badge>
                  <span className="min-w-0 flex-1 break-words font-mono text-xs text-zinc-600">
                    {e.instanceId ? <span className="text-zinc-800">{e.instanceId} </span> : null}
                    {json(e.data)}
                  </span>
                  <span className="text-xs text-zinc-400">{e.source}</span>
                  <time dateTime={e.createdAt} className="whitespace-nowrap text-xs text-zinc-400">
                    {formatDateTime(e.createdAt)}
                  </time>
                </div>
                {outcome ? (
                  <p
                    className={`mt-1 break-words font-mono text-xs ${outcome.failed ? "text-red-700" : "text-emerald-700"}`}
                    data-testid="event-outcome"
                  >
                    {outcome.text}
                  </p>
                ) : null}
              </li>
            );
          })}
        </ol>
      )}
      {rows.length >= limit && limit < MAX ? (
        <div className="border-t border-zinc-100 px-5 py-2">
          <Button size="sm" variant="ghost" onClick={() => setLimit((n) => Math.min(MAX, n + PAGE))}>
            Show older
          </Button>
        </div>
      ) : null}
    </Card>
  );
}
