import type { Db } from "@aios/db";
import { COMPONENT_URI, createFleet, type FleetShape } from "./placement-fleet";

/** A registry's size: blocks (clusters × blocks per cluster, each with its instances) and vDAGs. */
export interface RegistrySize {
  clusters: number;
  blocksPerCluster: number;
  instancesPerBlock: number;
  vdags: number;
}

/** 1,000 blocks, 10,000 instances, 100 vDAGs (on 100 clusters of 10 nodes). */
export const LARGE: RegistrySize = { clusters: 100, blocksPerCluster: 10, instancesPerBlock: 10, vdags: 100 };
/** 10 blocks (100 instances) and one vDAG: the registry the large one is compared with. */
export const SMALL: RegistrySize = { clusters: 1, blocksPerCluster: 10, instancesPerBlock: 10, vdags: 1 };

/**
 * What a stored block document holds once the API made it (block.document.ts): the component's
 * defaults under the block's values, its policies, protocols and the spec it came from. The
 * generated rows carry this (with their own id) so a page weighs what a real one does.
 */
const BLOCK_DOC = {
  componentUri: COMPONENT_URI,
  blockComponentURI: COMPONENT_URI,
  minInstances: 1,
  maxInstances: 16,
  blockInitData: { model: "bench-gpu", warmup: true },
  initSettings: { batchSize: 8, maxTokens: 512 },
  parameters: { temperature: 0.2, topP: 0.9 },
  policies: {
    loadBalancer: { policyRuleURI: "least-loaded:1.0.0-stable", parameters: { window: 10 } },
    autoscaler: {
      policyRuleURI: "queue-autoscaler:1.0.0-stable",
      parameters: { targetInFlight: 4, cooldownSeconds: 30 },
      settings: { intervalSeconds: 5 },
    },
  },
  inputProtocol: { type: "oip", tensors: [{ name: "text", datatype: "BYTES", shape: [-1] }] },
  outputProtocol: { type: "oip", tensors: [{ name: "label", datatype: "BYTES", shape: [-1] }] },
  blockMetadata: {},
  tags: ["bench", "gpu"],
  spec: {
    blockComponentURI: COMPONENT_URI,
    minInstances: 1,
    maxInstances: 16,
    parameters: { temperature: 0.2, topP: 0.9 },
    policyRulesSpec: [
      {
        values: {
          name: "loadBalancer",
          policyRuleURI: "least-loaded:1.0.0-stable",
          parameters: { window: 10 },
        },
      },
    ],
  },
  runtime: { revision: 1, statusReason: "10 of 10 instances healthy" },
};

/** A three-step vDAG as the Parser stores it (its graph, the blocks of its nodes, its policies). */
const VDAG_DOC = {
  vdagName: "bench-chain",
  version: "1.0.0",
  releaseTag: "stable",
  discoveryTags: ["bench"],
  controller: { initParameters: {}, initSettings: {} },
  nodes: ["pre", "model", "post"].map((label, i) => ({
    label,
    nodeType: "block",
    assignmentPolicyRuleURI: null,
    preprocessingPolicyRule: null,
    postprocessingPolicyRule: null,
    modelParameters: {},
    outputProtocol: {},
    inputProtocol: {},
    manualBlockId: `pc-0000-b${i}`,
  })),
  graph: { pre: ["model"], model: ["post"] },
  qualityChecker: null,
};

/**
 * Generates the registry in PostgreSQL: the fleet (clusters, nodes, GPUs, blocks with their
 * instances placed, placement-fleet.ts) with full block documents, and `vdags` vDAG rows.
 */
export async function createRegistry(db: Db, size: RegistrySize): Promise<void> {
  const shape: FleetShape = {
    clusters: size.clusters,
    nodesPerCluster: 10,
    gpusPerNode: 8,
    blocksPerCluster: size.blocksPerCluster,
    instancesPerBlock: size.instancesPerBlock,
  };
  await createFleet(db, shape);
  // Creation times a millisecond apart, as blocks made one after another have.
  await db.$executeRawUnsafe(
    `UPDATE blocks SET doc = $1::jsonb || jsonb_build_object('id', id, 'cluster', jsonb_build_object('id', cluster_id)),
       created_at = now() - (row_number * interval '1 millisecond')
     FROM (SELECT id AS key, row_number() OVER (ORDER BY id) FROM blocks) numbered WHERE id = numbered.key`,
    JSON.stringify(BLOCK_DOC),
  );
  await db.$executeRawUnsafe(
    `INSERT INTO vdags (vdag_uri, vdag_name, version, release_tag, status, tags, doc, updated_at)
     SELECT 'bench-chain-' || v || ':1.0.0-stable', 'bench-chain-' || v, '1.0.0', 'stable', 'active',
            ARRAY['bench'], $1::jsonb || jsonb_build_object('vdagName', 'bench-chain-' || v), now()
     FROM generate_series(0, $2 - 1) v`,
    JSON.stringify(VDAG_DOC),
    size.vdags,
  );
  await db.$executeRawUnsafe("ANALYZE");
}
