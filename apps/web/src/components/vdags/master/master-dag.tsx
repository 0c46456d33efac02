"use client";

import { useQuery } from "@tanstack/react-query";
import {
  BaseEdge,
  type Edge,
  type EdgeProps,
  Handle,
  MarkerType,
  type Node,
  type NodeProps,
  Position,
} from "@xyflow/react";
import { Blocks, Network } from "lucide-react";
import Link from "next/link";
import { memo, useMemo } from "react";
import { Page, PageHeading } from "@/components/layout/page";
import { BackLink } from "@/components/ui/back-link";
import { Card, CardHeader } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { QueryView } from "@/components/ui/query-view";
import { RecordLink } from "@/components/ui/record-link";
import { Skeleton } from "@/components/ui/skeleton";
import { routes } from "@/lib/routes";
import { layeredLayout } from "@/lib/vdag/layout";
import { type MasterDag, masterEdges, vdagColors } from "@/lib/vdag/master";
import { useTRPC } from "@/trpc/react";
import { ReadOnlyFlow } from "../read-only-flow";

type BlockNode = Node<{ vdags: number; labels: number }, "block">;
type VdagEdge = Edge<{ vdagURI: string; color: string; rank: number; count: number }, "vdag">;

const BlockNodeView = memo(function BlockNodeView({ id, data }: NodeProps<BlockNode>) {
  return (
    <div
      className="w-52 rounded-lg border border-zinc-300 bg-white px-3 py-2 shadow-sm"
      data-testid={`master-node-${id}`}
    >
      <Handle type="target" position={Position.Left} isConnectable={false} />
      <div className="flex items-center gap-1.5">
        <Blocks className="size-3.5 text-accent-600" />
        <span className="truncate font-mono text-xs font-semibold text-zinc-900">{id}</span>
      </div>
      <p className="mt-0.5 text-[11px] text-zinc-500">
        {data.vdags} vDAG{data.vdags === 1 ? "" : "s"} · {data.labels} node{data.labels === 1 ? "" : "s"}
      </p>
      <Handle type="source" position={Position.Right} isConnectable={false} />
    </div>
  );
});

/**
 * One vDAG's edge between two blocks: parallel edges of one pair bend apart so each vDAG's colour
 * shows; a block feeding itself (two nodes of a vDAG on one block) is a loop above it.
 */
const VdagEdgeView = memo(function VdagEdgeView(props: EdgeProps<VdagEdge>) {
  const { id, sourceX, sourceY, targetX, targetY, data, markerEnd, source, target } = props;
  const rank = data?.rank ?? 0;
  const count = data?.count ?? 1;
  // Apart by rank; an edge that skips a column also bends, so it does not run behind the nodes between.
  const skip = Math.max(0, Math.abs(targetX - sourceX) - 300) / 428;
  const spread = (rank - (count - 1) / 2) * 26 - skip * 60;
  let path: string;
  let labelX: number;
  let labelY: number;
  if (source === target) {
    const lift = 70 + rank * 22;
    path = `M ${sourceX} ${sourceY} C ${sourceX + 60} ${sourceY - lift}, ${targetX - 60} ${targetY - lift}, ${targetX} ${targetY}`;
    labelX = (sourceX + targetX) / 2;
    labelY = sourceY - lift * 0.75;
  } else {
    // A quadratic curve whose control point sits off the straight line, `spread` to its side.
    const mx = (sourceX + targetX) / 2;
    const my = (sourceY + targetY) / 2;
    const dx = targetX - sourceX;
    const dy = targetY - sourceY;
    const len = Math.hypot(dx, dy) || 1;
    const cx = mx - (dy / len) * spread * 2;
    const cy = my + (dx / len) * spread * 2;
    path = `M ${sourceX} ${sourceY} Q ${cx} ${cy} ${targetX} ${targetY}`;
    labelX = (sourceX + 2 * cx + targetX) / 4;
    labelY = (sourceY + 2 * cy + targetY) / 4;
  }
  const color = data?.color ?? "#71717a";
  return (
    <BaseEdge
      id={id}
      path={path}
      markerEnd={markerEnd}
      style={{ stroke: color, strokeWidth: 2 }}
      label={data?.vdagURI.split(":")[0]}
      labelX={labelX}
      labelY={labelY}
      labelStyle={{ fill: color, fontSize: 10, fontFamily: "var(--font-mono)" }}
      labelBgPadding={[3, 1]}
      labelBgBorderRadius={3}
    />
  );
});

const NODE_TYPES = { block: BlockNodeView };
const EDGE_TYPES = { vdag: VdagEdgeView };

function MasterFlow({ dag }: { dag: MasterDag }) {
  const colors = useMemo(() => vdagColors(dag.vdags), [dag.vdags]);
  const { nodes, edges } = useMemo(() => {
    const ids = dag.nodes.map((n) => n.blockId);
    const flowEdges = masterEdges(dag);
    const positions = layeredLayout(ids, flowEdges, { gapX: 220, gapY: 110 });
    const nodes: BlockNode[] = dag.nodes.map((n) => ({
      id: n.blockId,
      type: "block",
      position: positions[n.blockId] ?? { x: 0, y: 0 },
      data: { vdags: n.vdags.length, labels: n.nodeLabels.length },
      ariaLabel: `Block ${n.blockId}, in ${n.vdags.join(", ")}`,
    }));
    const edges: VdagEdge[] = flowEdges.map((e) => ({
      id: e.id,
      source: e.source,
      target: e.target,
      type: "vdag",
      markerEnd: { type: MarkerType.ArrowClosed, color: e.color, width: 14, height: 14 },
      data: { vdagURI: e.vdagURI, color: e.color, rank: e.rank, count: e.count },
      ariaLabel: `${e.vdagURI}: ${e.source} to ${e.target}`,
    }));
    return { nodes, edges };
  }, [dag]);
  return (
    <>
      <ReadOnlyFlow
        nodes={nodes}
        edges={edges}
        nodeTypes={NODE_TYPES}
        edgeTypes={EDGE_TYPES}
        testId="master-graph"
        ariaLabel="The Master DAG"
      />
      <ul
        className="flex flex-wrap gap-x-5 gap-y-2 border-t border-zinc-100 px-5 py-3"
        aria-label="Legend"
        data-testid="master-legend"
      >
        {dag.vdags.map((v) => (
          <li key={v} className="flex items-center gap-2 text-sm" data-testid={`legend-${v}`}>
            <span className="h-1 w-6 rounded-full" style={{ background: colors.get(v) }} aria-hidden />
            <span className="font-mono text-xs">
              <RecordLink href={routes.vdag(v)}>{v}</RecordLink>
            </span>
            <span className="text-xs text-zinc-400">
              {dag.edges.filter((e) => e.vdags.includes(v)).length} edges
            </span>
          </li>
        ))}
      </ul>
    </>
  );
}

/** Every serving vDAG superimposed over the blocks it runs on (`vdags.masterDag`, every 10 s). */
export function MasterDagView() {
  const trpc = useTRPC();
  const dag = useQuery(trpc.vdags.masterDag.queryOptions(undefined, { refetchInterval: 10_000 }));
  return (
    <Page>
      <BackLink href="/vdags" label="vDAGs" />
      <PageHeading
        title="Master DAG"
        subtitle="The blocks every serving vDAG (assigned, active or unhealthy) sends data through, one colour per vDAG."
      />
      <Card className="overflow-hidden">
        <CardHeader
          title="Blocks and the vDAGs between them"
          description={
            dag.data ? `${dag.data.nodes.length} blocks · ${dag.data.vdags.length} vDAGs` : "Loading…"
          }
        />
        <QueryView query={dag} skeleton={<Skeleton className="m-5 h-96" />}>
          {(d) =>
            d.nodes.length === 0 ? (
              <EmptyState
                icon={Network}
                title="No vDAG serves yet"
                description="A vDAG joins the Master DAG once it is deployed (assigned, active or unhealthy)."
              />
            ) : (
              <MasterFlow dag={d} />
            )
          }
        </QueryView>
      </Card>
      <p className="text-sm text-zinc-500">
        Draw a new one in the{" "}
        <Link href="/vdags/new" className="text-accent-700 hover:underline">
          vDAG editor
        </Link>
        .
      </p>
    </Page>
  );
}
