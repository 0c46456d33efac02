import type { TBlockRecord } from "@aios/contracts";
import { InferenceCard } from "@/components/inference/inference-card";
import { LiveBadge } from "@/components/live/live-badge";
import type { RecordView } from "@/components/registry/record-detail";
import { StatusWithReason } from "@/components/ui/badge";
import { RecordLink } from "@/components/ui/record-link";
import type { PublicEndpoints } from "@/lib/env";
import { formatDateTime } from "@/lib/format";
import type { LiveState } from "@/lib/live/use-live-block-status";
import { placementProblem } from "@/lib/placement/placement-dry-run";
import { routes } from "@/lib/routes";
import { BlockMetricsCard } from "./block-metrics-card";
import { EventsCard } from "./events-card";
import { ExecutorCard } from "./executor-card";
import { InstancesCard } from "./instances-card";
import { LogsCard } from "./logs-card";
import { MgmtCard } from "./mgmt-card";
import { PlacementCard } from "./placement-card";
import { PlacementProblem } from "./placement-problem";
import { RemoveBlock } from "./remove-block";
import { StatusHistoryCard } from "./status-history";
import { TryIt } from "./try-it";

/**
 * A block's detail page: status (live) and actions, where it runs (executor node, why instances
 * could not be placed), instances, a placement dry run, executor figures, metric charts, a test
 * call, history, its events (live), how to call it over the Open Inference Protocol (at the public `endpoints`),
 * management commands and logs.
 */
export const blockView =
  (live: LiveState, endpoints: PublicEndpoints) =>
  (b: TBlockRecord): RecordView => {
    const problem = placementProblem(b.doc);
    return {
      title: b.id,
      subtitle: "Block",
      actions: (
        <div className="flex items-start gap-4">
          <LiveBadge state={live} />
          <StatusWithReason status={b.status} reason={b.statusReason} align="end" />
          <RemoveBlock id={b.id} />
        </div>
      ),
      intro: problem ? <PlacementProblem problem={problem} /> : undefined,
      doc: b.doc,
      docTitle: "The createBlock values as submitted, and the runtime state the API keeps",
      fields: [
        {
          label: "Component",
          mono: true,
          value: <RecordLink href={routes.component(b.componentURI)}>{b.componentURI}</RecordLink>,
        },
        {
          label: "Cluster",
          mono: true,
          value: b.clusterId ? (
            <RecordLink href={routes.cluster(b.clusterId)}>{b.clusterId}</RecordLink>
          ) : (
            "unplaced"
          ),
        },
        {
          label: "Executor node",
          mono: true,
          value: <span data-testid="executor-node">{b.executorNodeId ?? "not placed yet"}</span>,
        },
        {
          label: "Instances",
          value: `${b.desiredInstances} desired · min ${b.minInstances} · max ${b.maxInstances}`,
        },
        { label: "Created", value: formatDateTime(b.createdAt) },
        { label: "Updated", value: formatDateTime(b.updatedAt) },
      ],
      sections: (
        <>
          <InstancesCard block={b} />
          <PlacementCard block={b} />
          <ExecutorCard block={b} />
          <BlockMetricsCard block={b} />
          <div className="grid gap-6 lg:grid-cols-2">
            <TryIt blockId={b.id} />
            <StatusHistoryCard doc={b.doc} />
          </div>
          <EventsCard blockId={b.id} />
          <InferenceCard
            model={{
              kind: "block",
              name: b.id,
              version: b.componentURI.slice(b.componentURI.lastIndexOf(":") + 1),
            }}
            endpoints={endpoints}
          />
          <MgmtCard blockId={b.id} />
          <LogsCard blockId={b.id} componentURI={b.componentURI} />
        </>
      ),
    };
  };
