import type { LucideIcon } from "lucide-react";
import Link from "next/link";
import { Skeleton } from "@/components/ui/skeleton";

export interface StatCardProps {
  href: string;
  label: string;
  icon: LucideIcon;
  value: number | undefined;
  hint?: string | undefined;
}

/** One count of the overview, linking to its page; `data-testid="count-<label in lower case>"`. */
export function StatCard({ href, label, icon: Icon, value, hint }: StatCardProps) {
  return (
    <Link
      href={href}
      data-testid={`count-${label.toLowerCase()}`}
      className="group rounded-xl border border-zinc-200 bg-white p-5 shadow-xs transition-all hover:-translate-y-px hover:border-accent-200 hover:shadow-md hover:shadow-accent-600/5"
    >
      <div className="flex items-center gap-2 text-zinc-500">
        <Icon className="size-4 shrink-0 text-zinc-400 transition-colors group-hover:text-accent-600" />
        <span className="truncate text-sm font-medium">{label}</span>
      </div>
      <div className="mt-3 h-9">
        {value === undefined ? (
          <Skeleton className="h-8 w-14" />
        ) : (
          <span
            className="text-3xl font-semibold tracking-tight tabular-nums text-zinc-900"
            data-testid="stat-value"
          >
            {value}
          </span>
        )}
      </div>
      {hint ? <p className="mt-1 text-xs text-zinc-400">{hint}</p> : null}
    </Link>
  );
}
