import { cva, type VariantProps } from "class-variance-authority";
import type { HTMLAttributes } from "react";
import { cn } from "@/lib/cn";

const badgeVariants = cva(
  "inline-flex items-center gap-1.5 whitespace-nowrap rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset",
  {
    variants: {
      tone: {
        neutral: "bg-zinc-50 text-zinc-700 ring-zinc-200",
        accent: "bg-accent-50 text-accent-700 ring-accent-200",
        success: "bg-emerald-50 text-emerald-700 ring-emerald-200",
        warning: "bg-amber-50 text-amber-800 ring-amber-200",
        danger: "bg-red-50 text-red-700 ring-red-200",
      },
    },
    defaultVariants: { tone: "neutral" },
  },
);

export type BadgeTone = NonNullable<VariantProps<typeof badgeVariants>["tone"]>;

export function Badge({
  className,
  tone,
  dot,
  children,
  ...props
}: HTMLAttributes<HTMLSpanElement> & VariantProps<typeof badgeVariants> & { dot?: boolean }) {
  return (
    <span className={cn(badgeVariants({ tone }), className)} {...props}>
      {dot ? <span className="size-1.5 rounded-full bg-current" aria-hidden /> : null}
      {children}
    </span>
  );
}

/** Tone for a free-form status string from the API (block, vDAG, node, cluster). */
export function statusTone(status: string): BadgeTone {
  const s = status.toLowerCase();
  if (["live", "running", "ready", "active", "healthy", "ok", "online", "succeeded"].includes(s))
    return "success";
  if (
    [
      "pending",
      "creating",
      "scheduling",
      "starting",
      "degraded",
      "stale",
      "updating",
      "assigned",
      "placed",
    ].includes(s)
  )
    return "warning";
  if (
    ["failed", "error", "dead", "offline", "unhealthy", "unreachable", "crashed", "refused", "lost"].includes(
      s,
    )
  )
    return "danger";
  return "neutral";
}

export function StatusBadge({ status, testId }: { status: string; testId?: string }) {
  return (
    <Badge tone={statusTone(status)} dot data-testid={testId}>
      {status}
    </Badge>
  );
}

/** A status badge with why the record has that status as a muted line underneath. */
export function StatusWithReason({
  status,
  reason,
  align = "start",
}: {
  status: string;
  reason: string | null | undefined;
  align?: "start" | "end";
}) {
  return (
    <div className={cn("flex flex-col gap-1", align === "end" ? "items-end" : "items-start")}>
      <StatusBadge status={status} testId="status" />
      {reason ? (
        <span className="max-w-xs truncate text-xs text-zinc-500" title={reason} data-testid="status-reason">
          {reason}
        </span>
      ) : null}
    </div>
  );
}
