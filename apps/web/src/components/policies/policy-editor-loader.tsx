"use client";

import dynamic from "next/dynamic";
import { Skeleton } from "@/components/ui/skeleton";

/** Monaco (several MB) loads with the editor only, never with the other pages. */
export const PolicyEditorLoader = dynamic(() => import("./policy-editor").then((m) => m.PolicyEditor), {
  ssr: false,
  loading: () => <PolicyEditorSkeleton />,
});

export const PolicyDiffLoader = dynamic(() => import("./diff/policy-diff").then((m) => m.PolicyDiff), {
  ssr: false,
  loading: () => <PolicyEditorSkeleton panel={false} />,
});

export function PolicyEditorSkeleton({ panel = true }: { panel?: boolean }) {
  return (
    <div className="flex h-[calc(100vh-3.5rem)] flex-col" role="status" aria-label="Loading the editor">
      <div className="flex items-center gap-3 border-b border-zinc-200 bg-white px-5 py-3">
        <Skeleton className="h-4 w-16" />
        <Skeleton className="h-5 w-64" />
        <Skeleton className="ml-auto h-8 w-40" />
      </div>
      <div className={panel ? "grid flex-1 grid-cols-[minmax(0,1fr)_28rem]" : "flex-1"}>
        <div className="space-y-2 bg-white p-5">
          {["w-3/4", "w-1/2", "w-2/3", "w-2/5", "w-3/5", "w-1/3"].map((w) => (
            <Skeleton key={w} className={`h-3.5 ${w}`} />
          ))}
        </div>
        {panel ? (
          <div className="space-y-3 border-l border-zinc-200 bg-white p-4">
            <Skeleton className="h-5 w-24" />
            <Skeleton className="h-56" />
            <Skeleton className="h-9" />
          </div>
        ) : null}
      </div>
    </div>
  );
}
