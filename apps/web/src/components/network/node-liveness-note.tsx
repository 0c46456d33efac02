import type { TNodeRecord } from "@aios/contracts";
import { cn } from "@/lib/cn";
import { livenessText, readLiveness } from "@/lib/placement/node-liveness";

/** Why a node is lost (since when, its last heartbeat), or that it came back; nothing otherwise. */
export function NodeLivenessNote({ node, now }: { node: TNodeRecord; now: number }) {
  const liveness = readLiveness(node.doc, node.status);
  if (!liveness) return null;
  const lost = liveness.status === "lost";
  return (
    <p
      role={lost ? "alert" : "status"}
      className={cn(
        "mx-5 mt-4 rounded-lg border px-3 py-2 text-sm",
        lost ? "border-red-200 bg-red-50 text-red-800" : "border-emerald-200 bg-emerald-50 text-emerald-800",
      )}
      data-testid="node-liveness"
      data-state={liveness.status}
    >
      {livenessText(liveness, now)}
    </p>
  );
}
