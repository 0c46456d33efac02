import { Card } from "./card";
import { Skeleton } from "./skeleton";

export function DetailSkeleton() {
  return (
    <div className="space-y-6" role="status" aria-label="Loading">
      <Skeleton className="h-8 w-72" />
      <Card className="grid grid-cols-3 gap-6 p-5">
        {[0, 1, 2, 3, 4, 5].map((i) => (
          <div key={i} className="space-y-2">
            <Skeleton className="h-3 w-16" />
            <Skeleton className="h-4 w-32" />
          </div>
        ))}
      </Card>
      <Skeleton className="h-64 w-full rounded-xl" />
    </div>
  );
}
