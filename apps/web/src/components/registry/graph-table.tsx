import type { TPolicyGraphRecord } from "@aios/contracts";
import { CELL, type TableSpec } from "@/components/ui/data-table";
import { functionGraph } from "@/lib/policy-graph/function-graph";
import { routes } from "@/lib/routes";
import { dateColumn, keyColumn } from "./columns";

/** Policy graphs (execution type 5): static DAGs of deployed functions. */
export const GRAPH_TABLE: TableSpec<TPolicyGraphRecord> = {
  rowKey: (g) => g.graphURI,
  rowHref: (g) => routes.graph(g.graphURI),
  testIdPrefix: "graph-row-",
  columns: [
    keyColumn("Graph", (g) => g.graphURI),
    {
      header: "Functions",
      className: CELL.mono,
      testId: "graph-functions",
      cell: (g) => functionGraph(g.graph).nodes.join(", "),
    },
    { header: "Description", className: CELL.text, cell: (g) => g.description ?? "—" },
    dateColumn("Created", (g) => g.createdAt),
  ],
};
