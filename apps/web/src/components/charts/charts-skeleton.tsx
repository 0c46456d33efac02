import { Skeleton } from "@/components/ui/skeleton";

/** Placeholders for a row of charts while their series load. */
export function ChartsSkeleton({ count = 3 }: { count?: number }) {
  return (
    <div className="grid gap-6 p-5 lg:grid-cols-3" role="status" aria-label="Loading charts">
      {Array.from({ length: count }, (_, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: static placeholders
        <div key={i} className="space-y-2">
          <Skeleton className="h-3 w-1/3" />
          <Skeleton className="h-[140px] w-full" />
        </div>
      ))}
    </div>
  );
}
