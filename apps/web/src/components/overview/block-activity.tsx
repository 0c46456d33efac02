"use client";

import { Activity } from "lucide-react";
import { StatusBadge } from "@/components/ui/badge";
import { Card, CardHeader } from "@/components/ui/card";
import { RecordLink } from "@/components/ui/record-link";
import type { BlockStatusEvent } from "@/lib/live/block-status";
import { routes } from "@/lib/routes";

const timeOf = (iso: string) =>
  new Date(iso).toLocaleTimeString("en-GB", { hour: "2-digit", minute: "2-digit", second: "2-digit" });

/** Block status changes heard since the page opened (`blocks.onStatus`), newest first. */
export function BlockActivity({ events }: { events: BlockStatusEvent[] }) {
  return (
    <Card className="overflow-hidden" data-testid="block-activity">
      <CardHeader
        title="Block activity"
        description="Status changes as they happen, since this page opened."
      />
      {events.length === 0 ? (
        <p className="flex items-center gap-2 px-5 py-4 text-sm text-zinc-400">
          <Activity className="size-4" aria-hidden />
          No status change yet.
        </p>
      ) : (
        <ol className="divide-y divide-zinc-100" aria-live="polite">
          {events.map((e) => (
            <li key={`${e.blockId}@${e.at}`} className="flex items-start gap-3 px-5 py-3">
              <StatusBadge status={e.status} />
              <span className="min-w-0 flex-1 text-sm text-zinc-600">
                <span className="font-mono">
                  <RecordLink href={routes.block(e.blockId)}>{e.blockId}</RecordLink>
                </span>
                <span className="ml-2 break-words">{e.reason}</span>
              </span>
              <time dateTime={e.at} className="whitespace-nowrap text-xs tabular-nums text-zinc-400">
                {timeOf(e.at)}
              </time>
            </li>
          ))}
        </ol>
      )}
    </Card>
  );
}
