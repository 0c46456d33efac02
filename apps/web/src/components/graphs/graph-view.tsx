import type { TPolicyGraphRecord } from "@aios/contracts";
import type { RecordView } from "@/components/registry/record-detail";
import { RecordLink } from "@/components/ui/record-link";
import { formatDateTime } from "@/lib/format";
import { functionGraph } from "@/lib/policy-graph/function-graph";
import { routes } from "@/lib/routes";
import { GraphSections } from "./graph-sections";

const fnLinks = (names: string[]) =>
  names.length === 0
    ? null
    : names.map((n, i) => (
        <span key={n}>
          {i > 0 ? ", " : ""}
          <RecordLink href={routes.function(n)}>{n}</RecordLink>
        </span>
      ));

/** A policy graph's page (execution type 5): its functions, the drawing and Execute. */
export function graphView(g: TPolicyGraphRecord): RecordView {
  const shape = functionGraph(g.graph);
  return {
    title: g.graphURI,
    subtitle: g.description ?? "Policy graph: a static DAG of deployed functions",
    doc: g.graph,
    docTitle: "The graph as created: each function and the functions its output goes to",
    fields: [
      { label: "Name", value: g.name, mono: true },
      { label: "Functions", value: <span data-testid="graph-function-count">{shape.nodes.length}</span> },
      { label: "Heads", value: fnLinks(shape.heads), mono: true },
      { label: "Tails", value: fnLinks(shape.tails), mono: true },
      { label: "Created", value: formatDateTime(g.createdAt) },
    ],
    sections: <GraphSections graph={g} />,
  };
}
