"use client";

import { useQuery } from "@tanstack/react-query";
import { Check, Loader2, X } from "lucide-react";
import Link from "next/link";
import { LiveBadge } from "@/components/live/live-badge";
import { StatusWithReason } from "@/components/ui/badge";
import { Button, buttonVariants } from "@/components/ui/button";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { ErrorState } from "@/components/ui/error-state";
import { cn } from "@/lib/cn";
import { pollInterval, useLiveBlockStatus } from "@/lib/live/use-live-block-status";
import { routes } from "@/lib/routes";
import { useTRPC } from "@/trpc/react";
import { PROGRESS_STEPS, type StepState, stepStates } from "./progress-steps";

/**
 * A new block on its way to running, as it happens: `blocks.onStatus` for this block (polling
 * `blocks.get` until the stream is up, and slowly after), one step per status.
 */
export function CreateProgress({ blockId, onAnother }: { blockId: string; onAnother: () => void }) {
  const trpc = useTRPC();
  const live = useLiveBlockStatus({ blockId });
  const block = useQuery(
    trpc.blocks.get.queryOptions(
      { id: blockId },
      { refetchInterval: pollInterval(live.state, 2_000, 10_000) },
    ),
  );
  const status = block.data?.status;
  const states = stepStates(status, block.data?.doc);
  return (
    <Card className="overflow-hidden" data-testid="create-progress">
      <CardHeader
        title={
          <>
            Block <span className="font-mono">{blockId}</span>
          </>
        }
        description="Created. Its status follows as the agent deploys it."
        actions={<LiveBadge state={live.state} />}
      />
      <CardBody className="space-y-5">
        {block.isError && !block.data ? (
          <ErrorState error={block.error} onRetry={() => void block.refetch()} retrying={block.isFetching} />
        ) : (
          <>
            <ol className="grid gap-3 sm:grid-cols-3" aria-label="Deployment progress">
              {PROGRESS_STEPS.map((step, i) => (
                <Step key={step.status} label={step.label} hint={step.hint} state={states[i] ?? "todo"} />
              ))}
            </ol>
            {block.data ? (
              <StatusWithReason status={block.data.status} reason={block.data.statusReason} />
            ) : null}
          </>
        )}
        <div className="flex flex-wrap gap-2">
          <Link
            href={routes.block(blockId)}
            className={buttonVariants({ variant: status === "running" ? "primary" : "secondary" })}
            data-testid="open-block"
          >
            Open block
          </Link>
          <Button variant="ghost" onClick={onAnother}>
            Create another
          </Button>
        </div>
      </CardBody>
    </Card>
  );
}

const ICONS = { done: Check, current: Loader2, todo: null, failed: X } as const;

function Step({ label, hint, state }: { label: string; hint: string; state: StepState }) {
  const Icon = ICONS[state];
  return (
    <li
      className={cn(
        "flex items-start gap-3 rounded-lg border px-3 py-2.5",
        state === "done" && "border-emerald-200 bg-emerald-50/60",
        state === "current" && "border-accent-200 bg-accent-50/60",
        state === "failed" && "border-red-200 bg-red-50/60",
        state === "todo" && "border-zinc-200",
      )}
      aria-current={state === "current" ? "step" : undefined}
      data-testid={`progress-step-${label.toLowerCase()}`}
      data-state={state}
    >
      <span
        className={cn(
          "mt-0.5 flex size-5 shrink-0 items-center justify-center rounded-full text-white",
          state === "done" && "bg-emerald-600",
          state === "current" && "bg-accent-600",
          state === "failed" && "bg-red-600",
          state === "todo" && "border border-zinc-300 bg-white",
        )}
        aria-hidden
      >
        {Icon ? <Icon className={cn("size-3", state === "current" && "animate-spin")} /> : null}
      </span>
      <span className="min-w-0">
        <span className="block text-sm font-medium text-zinc-900">
          {label}
          <span className="sr-only"> ({state})</span>
        </span>
        <span className="block text-xs text-zinc-500">{hint}</span>
      </span>
    </li>
  );
}
