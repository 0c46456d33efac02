import {
  ZMetricsQuery,
  ZMetricsQueryResult,
  ZMetricsSeriesQuery,
  ZMetricsSeriesResult,
} from "@aios/contracts";
import { router, viewerProcedure } from "../../trpc";

/** The metrics query API over the global store (contract: @aios/contracts metrics-query.ts). */
export const metricsRouter = router({
  /** Entities' current metrics documents (newest sample per name), filtered; bounded by `limit`. */
  query: viewerProcedure
    .input(ZMetricsQuery)
    .output(ZMetricsQueryResult)
    .query(({ ctx, input }) => ctx.services.metricsQuery.current(input)),
  /** One entity's samples of some names over a recent window, aggregated per bucket in SQL. */
  series: viewerProcedure
    .input(ZMetricsSeriesQuery)
    .output(ZMetricsSeriesResult)
    .query(({ ctx, input }) => ctx.services.metricsQuery.series(input)),
});
