import { SERIES_AGGS, type TMetricsLocalAnswer } from "@aios/contracts";
import { sqlOf } from "@aios/db";
import { beforeAll, describe, expect, it } from "vitest";
import { bucketLocalSeries, localSampleSource } from "../src/domains/metrics/cluster-store";
import { seriesPoints } from "../src/domains/metrics/metrics-sql";
import { useApi } from "./harness";

/**
 * The cluster store buckets the nodes' samples in JS as the global store's SQL does (`date_bin`
 * from the window's start, one aggregate per name and bucket, ordered by name then bucket): the
 * same samples, stored in `metric_samples` and answered by two nodes, give the same points.
 */
describe("the cluster store's buckets against PostgreSQL's date_bin", () => {
  const api = useApi();
  const to = new Date(Date.UTC(2026, 0, 1, 12, 0, 0));
  const from = new Date(to.getTime() - 60_000);
  // Two nodes' answers for the same entity ids; uneven times, one on a bucket's edge, one before
  // the window and one at its end (both left out).
  const at = (s: number) => from.getTime() + s * 1000;
  const answers: TMetricsLocalAnswer[] = [
    {
      nodeId: "n1",
      windowSeconds: 900,
      truncated: false,
      series: [
        {
          entityType: "node",
          entityId: "cb-n1",
          name: "load1m",
          ts: [at(-1), at(0), at(7.5), at(10), at(59.9)],
          values: [9, 1, 2, 3, 4],
        },
        {
          entityType: "node",
          entityId: "cb-n1",
          name: "free",
          ts: [at(3), at(33), at(60)],
          values: [100, 200, 300],
        },
      ],
    },
    {
      nodeId: "n2",
      windowSeconds: 900,
      truncated: false,
      series: [
        {
          entityType: "node",
          entityId: "cb-n2",
          name: "load1m",
          ts: [at(1), at(9.999), at(41)],
          values: [5, 6, 7],
        },
        { entityType: "node", entityId: "cb-other", name: "load1m", ts: [at(2)], values: [99] },
      ],
    },
  ];

  beforeAll(async () => {
    await api.database.db.metricSample.createMany({
      data: answers.flatMap((a) =>
        a.series.flatMap((s) =>
          s.ts.map((ts, i) => ({
            entityType: s.entityType,
            entityId: s.entityId,
            name: s.name,
            value: s.values[i] as number,
            ts: new Date(ts),
          })),
        ),
      ),
    });
  });

  for (const agg of SERIES_AGGS)
    it(`gives the SQL's points for agg ${agg}, steps of 10 s, 7 s and the whole window`, async () => {
      for (const stepSeconds of [10, 7, 60]) {
        const window = {
          entityType: "node",
          entityIds: ["cb-n1", "cb-n2"],
          names: ["load1m", "free"],
          from,
          to,
          stepSeconds,
          agg,
          cap: 100,
        };
        const sql = await seriesPoints(sqlOf(api.database.db), window);
        const js = bucketLocalSeries(answers, window);
        expect(js.length).toBeGreaterThan(0);
        expect(js).toEqual(sql.map((r) => ({ name: r.name, bucket: r.bucket, value: Number(r.value) })));
      }
    });

  it("stops at the cap", () => {
    const window = { entityType: "node", entityIds: ["cb-n1"], names: ["load1m"], from, to, stepSeconds: 1 };
    expect(bucketLocalSeries(answers, { ...window, agg: "count", cap: 2 })).toHaveLength(2);
  });

  it("takes each series' newest sample over every node that answered it", async () => {
    const source = localSampleSource([
      ...answers,
      {
        nodeId: "n3",
        windowSeconds: 900,
        truncated: false,
        series: [
          { entityType: "node", entityId: "cb-n1", name: "load1m", ts: [at(30)], values: [42] },
          { entityType: "vdag-node", entityId: "v1/b", name: "requests_total", ts: [at(1)], values: [1] },
          { entityType: "vdag-node", entityId: "v10/a", name: "requests_total", ts: [at(1)], values: [1] },
          { entityType: "vdag-node", entityId: "v1/a", name: "requests_total", ts: [at(1)], values: [1] },
        ],
      },
    ]);
    const latest = await source.latest("node", ["cb-n1", "cb-n2", "nowhere"]);
    expect(latest.map((s) => [s.entity_id, s.name, s.value, s.ts.getTime()])).toEqual([
      ["cb-n1", "load1m", 4, at(59.9)],
      ["cb-n1", "free", 300, at(60)],
      ["cb-n2", "load1m", 7, at(41)],
    ]);
    // A vDAG's nodes: the ids under `<uri>/`, sorted, at most the cap.
    expect(await source.prefixed("vdag-node", ["v1"], 10)).toEqual(["v1/a", "v1/b"]);
    expect(await source.prefixed("vdag-node", ["v1", "v10"], 2)).toEqual(["v1/a", "v1/b"]);
  });
});
