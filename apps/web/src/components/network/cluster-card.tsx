import type { TClusterRecord } from "@aios/contracts";
import { ChevronRight, Cpu, MapPin, Server } from "lucide-react";
import Link from "next/link";
import { Badge } from "@/components/ui/badge";
import { Card } from "@/components/ui/card";
import { asObject, asString } from "@/lib/doc";
import { routes } from "@/lib/routes";
import { LivenessBadge } from "./liveness-badge";
import { ClusterNodes } from "./node-table";

export function ClusterCard({ cluster, now }: { cluster: TClusterRecord; now: number }) {
  const name = asString(asObject(cluster.doc.clusterMetadata)?.name);
  return (
    <Card data-testid={`cluster-row-${cluster.id}`} className="overflow-hidden">
      <div className="flex flex-wrap items-center justify-between gap-4 px-5 py-4">
        <div className="flex min-w-0 items-center gap-3">
          <div className="flex size-9 items-center justify-center rounded-lg bg-zinc-100 text-zinc-600">
            <Server className="size-4.5" />
          </div>
          <div className="min-w-0">
            <Link
              href={routes.cluster(cluster.id)}
              className="group inline-flex items-center gap-1 font-mono text-sm font-semibold text-zinc-900 hover:text-accent-700"
            >
              {cluster.id}
              <ChevronRight className="size-4 text-zinc-300 transition-transform group-hover:translate-x-0.5 group-hover:text-accent-500" />
            </Link>
            <div className="mt-0.5 flex items-center gap-3 text-xs text-zinc-500">
              {name ? <span className="font-medium text-zinc-700">{name}</span> : null}
              <span className="inline-flex items-center gap-1">
                <MapPin className="size-3" />
                {cluster.regionId ?? "no region"}
              </span>
              {cluster.tags.map((t) => (
                <Badge key={t} className="px-1.5 py-0 text-[11px]">
                  {t}
                </Badge>
              ))}
            </div>
          </div>
        </div>
        <div className="flex items-center gap-6">
          <Stat icon={Server} label="Nodes" value={cluster.nodeCount} testId="cluster-node-count" />
          <Stat icon={Cpu} label="GPUs" value={cluster.gpuCount} testId="cluster-gpu-count" />
          <LivenessBadge lastSeenAt={cluster.lastSeenAt} now={now} />
        </div>
      </div>
      <div className="border-t border-zinc-100">
        <ClusterNodes clusterId={cluster.id} now={now} />
      </div>
    </Card>
  );
}

function Stat({
  icon: Icon,
  label,
  value,
  testId,
}: {
  icon: typeof Server;
  label: string;
  value: number;
  testId: string;
}) {
  return (
    <div className="flex items-center gap-1.5 text-sm">
      <Icon className="size-3.5 text-zinc-400" />
      <span className="font-semibold tabular-nums text-zinc-900" data-testid={testId}>
        {value}
      </span>
      <span className="text-zinc-500">{label}</span>
    </div>
  );
}
