import { bestNode, nodeRooms, scoreNodes } from "@aios/api/node-placement";
import { createPlacementService } from "@aios/api/placement";
import { createPolicyRuntimeService, type PolicyRuntimeService } from "@aios/api/policy-runtime";
import { createTestDatabase, startTestServer, type TestDatabase } from "@aios/db/testing";
import { defaultSandboxProcess } from "@aios/policy-runtime/sandbox";
import {
  type Figures,
  figuresOf,
  measure,
  measureInFlight,
  round,
  type Scenario,
  type ScenarioResult,
} from "../measure";
import {
  ALLOCATOR_URI,
  createFleet,
  FLEET,
  type FleetInMemory,
  type FleetShape,
  loadFleet,
  NEEDS,
  seededRandom,
} from "./placement-fleet";

const TARGET_PER_S = 1000;
const TARGET_P99_MS = 20;
/** Longer than a run lasts: the generated nodes were heard from once, when they were written. */
const NODE_LOST_SECONDS = 3600;

type Chooser = "builtin" | "policy";

export interface PlacementRun {
  shape: FleetShape;
  n: number;
  warmup: number;
  /** Decisions made with IN_FLIGHT at a time, after the sequential ones: the figures judged. */
  inFlightN: number;
}

const FULL: PlacementRun = { shape: FLEET, n: 500, warmup: 100, inFlightN: 2000 };
/** Decisions asked for at once, as the autoscalers of many blocks ask (random blocks, any cluster). */
const IN_FLIGHT = 8;

/**
 * One more instance for a random block of a random cluster, as an autoscaler's wish places it
 * (placement.service.ts `resize`): the block's row locked, its desired count raised, and a node and
 * GPU chosen by the built-in scorer or the block's resourceAllocator policy in the sandbox, over
 * the cluster's rows in PostgreSQL. The figures judged are those of IN_FLIGHT decisions asked for
 * at a time (a scheduler's rate is its rate under load); one at a time is printed beside them.
 * Baseline: the same decision by the plain scorer over the cluster's rows already in memory.
 */
export function placementScenario(chooser: Chooser, run: PlacementRun = FULL): Scenario {
  const { clusters, nodesPerCluster, gpusPerNode } = run.shape;
  const fleet = `${clusters} clusters x ${nodesPerCluster} nodes x ${gpusPerNode} GPUs`;
  return {
    name: `placement.${chooser}`,
    description:
      chooser === "builtin"
        ? `one more instance of a random block placed in its cluster (${fleet} in PostgreSQL) by the built-in scorer, vs the plain scorer over rows in memory`
        : `one more instance of a random block placed in its cluster (${fleet} in PostgreSQL) by its resourceAllocator policy in the sandbox, vs the plain scorer over rows in memory`,
    async run(): Promise<ScenarioResult> {
      const server = await startTestServer();
      let database: TestDatabase | undefined;
      let policies: PolicyRuntimeService | undefined;
      try {
        database = await createTestDatabase(server.adminUrl, "aios_bench");
        const { db } = database;
        const t0 = performance.now();
        await createFleet(db, run.shape, chooser === "policy" ? ALLOCATOR_URI : undefined);
        const inMemory = await loadFleet(db);
        process.stderr.write(`  fleet generated in ${Math.round(performance.now() - t0)} ms\n`);
        const opts = { n: run.n, warmup: run.warmup };

        const baseline = await measure(plainDecisions(inMemory), opts);

        const runtime = createPolicyRuntimeService(db);
        policies = runtime;
        const policyCalls: number[] = [];
        const placement = createPlacementService({
          db,
          executePolicy: async (uri, input, overrides, opts) => {
            const started = performance.now();
            try {
              return await runtime.execute(uri, input, overrides, opts);
            } finally {
              policyCalls.push(performance.now() - started);
            }
          },
          nodeLostSeconds: NODE_LOST_SECONDS,
        });
        const before = await db.instance.count();
        const pick = seededRandom(2);
        const decide = async () => {
          const block = pickBlock(inMemory, pick);
          const { outcome } = await placement.resize(block.id, (r) => r.desiredInstances + 1);
          if (!outcome || outcome.problem || !outcome.changed) {
            throw new Error(
              `block ${block.id} got no new instance: ${outcome?.problem ?? "nothing changed"}`,
            );
          }
        };
        const alone = await measure(decide, opts);
        process.stderr.write(
          `  one at a time: p50 ${alone.p50_ms} ms, p99 ${alone.p99_ms} ms, ${alone.per_s} decisions/s\n`,
        );
        const callsSince = (from: number, to?: number) => {
          const calls = figuresOf(Float64Array.from(policyCalls.slice(from, to)), 1);
          return `p50 ${calls.p50_ms} ms, p99 ${calls.p99_ms} ms`;
        };
        if (chooser === "policy") {
          const alone = callsSince(run.warmup, run.warmup + run.n);
          process.stderr.write(`  of which the policy call (values check, sandbox init + eval): ${alone}\n`);
        }
        const inFlight = await measureInFlight(decide, { n: run.inFlightN, concurrency: IN_FLIGHT });
        if (chooser === "policy") {
          const calls = callsSince(run.warmup + run.n);
          process.stderr.write(`  ${IN_FLIGHT} in flight, of which the policy call: ${calls}\n`);
        }
        const added = (await db.instance.count()) - before;
        const decisions = run.n + run.warmup + run.inFlightN;
        if (added !== decisions) throw new Error(`${decisions} decisions placed ${added} instances`);
        return result(`placement.${chooser}`, inFlight, baseline);
      } finally {
        policies?.dispose();
        if (chooser === "policy") defaultSandboxProcess().stop();
        await database?.drop();
        await server.stop();
      }
    },
  };
}

function pickBlock(fleet: FleetInMemory, random: () => number) {
  const block = fleet.blocks[Math.floor(random() * fleet.blocks.length)];
  if (!block) throw new Error("the fleet has no block");
  return block;
}

/** The plain scorer's decisions over the fleet in memory, each charged to its cluster for the next. */
function plainDecisions(fleet: FleetInMemory): () => Promise<void> {
  const pick = seededRandom(1);
  return async () => {
    const block = pickBlock(fleet, pick);
    const placed = fleet.placed.get(block.clusterId) ?? [];
    const rooms = nodeRooms(fleet.nodes.get(block.clusterId) ?? [], placed, block.id);
    const best = bestNode(scoreNodes(rooms, NEEDS));
    if (!best) throw new Error(`the plain scorer found no node for block ${block.id}`);
    placed.push({ blockId: block.id, nodeId: best.nodeId, gpus: best.gpus, needs: NEEDS });
    fleet.placed.set(block.clusterId, placed);
  };
}

function result(scenario: string, measured: Figures, baseline: Figures): ScenarioResult {
  return {
    scenario,
    measured,
    baseline: { name: "nodeRooms + scoreNodes + bestNode over rows in memory", ...baseline },
    ratio: round(measured.p50_ms / Math.max(baseline.p50_ms, 0.001)),
    target: `>= ${TARGET_PER_S} decisions/s and p99 <= ${TARGET_P99_MS} ms, ${IN_FLIGHT} in flight`,
    met: measured.per_s >= TARGET_PER_S && measured.p99_ms <= TARGET_P99_MS,
  };
}

export const placementScenarios: Scenario[] = [placementScenario("builtin"), placementScenario("policy")];
