import type { TPolicyInputs, TPolicyKind } from "@aios/contracts";

/**
 * A plausible input per policy kind, the dry-run panel's starting point: one block `sentiment` with
 * two instances on cluster `local`, one task packet. Each passes its kind's input schema
 * (samples.test.ts), and each kind's template returns a valid output for it.
 */

const TS = Date.UTC(2026, 0, 1);

const packet = {
  session_id: "session-1",
  seq_no: 0,
  data: { text: "I love it" },
  ts: TS,
};

const block = {
  id: "sentiment",
  blockComponentURI: "model.sentiment:1.0.0-stable",
  clusterId: "local",
  status: "running",
  minInstances: 1,
  maxInstances: 3,
};

const cluster = { id: "local", regionId: "local", status: "ready", tags: ["gpu"] };

const node = {
  id: "node-1",
  status: "ready",
  vcpus: 8,
  memoryMb: 32768,
  freeMemoryMb: 16384,
  load1m: 0.6,
  load15m: 0.4,
  lastSeenAt: new Date(TS).toISOString(),
  gpus: [{ index: 0, modelName: "NVIDIA L4", memoryMb: 23034, freeMemoryMb: 20480, utilization: 12 }],
};

const instances = [
  {
    id: "sentiment-0",
    nodeId: "node-1",
    status: "running",
    healthy: true,
    inFlight: 2,
    queueLength: 1,
    latencyMs: 41,
  },
  {
    id: "sentiment-1",
    nodeId: "node-1",
    status: "running",
    healthy: true,
    inFlight: 0,
    queueLength: 0,
    latencyMs: 38,
  },
];

const clusterMetrics = { nodes: 1, vcpus: 8, memoryMb: 32768, freeMemoryMb: 16384, load15m: 0.4, gpus: 1 };
const blockMetrics = { instances: 2, inFlight: 2, queueLength: 1, latencyMs: 40, fps: 12.5 };

const VDAG_URI = "text-pipeline:1.0.0-stable";
const vdagStep = {
  packet: { ...packet, vdag: { vdagURI: VDAG_URI, nodeLabel: "sentiment", path: ["language"] } },
  vdagURI: VDAG_URI,
  nodeLabel: "sentiment",
  blockId: "sentiment",
  modelParameters: { threshold: 0.5 },
  graph: { language: ["sentiment"], sentiment: ["summary"], summary: [] },
};

export const SAMPLE_INPUTS: { [K in TPolicyKind]: TPolicyInputs[K] } = {
  loadBalancer: { mode: "load_balance", blockId: "sentiment", packet, instances },
  autoscaler: { blockData: block, clusterData: cluster, currentInstances: instances, blockMetrics },
  healthChecker: {
    blockData: block,
    clusterData: cluster,
    healthCheckData: { "sentiment-0": true, "sentiment-1": false },
    instances,
  },
  clusterAllocator: {
    action: "selection",
    filterResult: [{ ...cluster, clusterMetrics, nodes: [node] }],
    blockData: block,
  },
  resourceAllocator: {
    action: "allocation",
    payload: { block, cluster, clusterMetrics, nodes: [node], healthyNodes: ["node-1"] },
  },
  assignment: {
    vdagURI: VDAG_URI,
    nodeLabel: "sentiment",
    filterResult: [{ ...block, metrics: blockMetrics }],
  },
  ranking: {
    registry: "blocks",
    query: { tags: ["gpu"] },
    filterResult: [
      { id: "sentiment", status: "running" },
      { id: "echo", status: "running" },
    ],
  },
  blockPreProcessing: { packet, blockData: block },
  blockPostProcessing: { packet: { ...packet, data: { label: "positive", score: 0.98 } }, blockData: block },
  vdagPreProcessing: vdagStep,
  vdagPostProcessing: { ...vdagStep, next: ["summary"] },
  quotaChecker: {
    vdagURI: VDAG_URI,
    sessionId: "session-1",
    quota: 3,
    quotaTable: { "session-1": 3, "session-2": 12 },
    input: packet,
  },
  qualityChecker: {
    vdagURI: VDAG_URI,
    request: packet,
    response: { ...packet, data: { label: "positive", score: 0.98 } },
    latencyMs: 120,
  },
  vdagHealthChecker: {
    mode: "default",
    vdagURI: VDAG_URI,
    healthCheckData: {
      sentiment: { healthy: true, instances: 2, healthyInstances: 2 },
      summary: { healthy: false, instances: 1, healthyInstances: 0 },
    },
  },
  preCheck: { action: "add_block", blockData: block, clusterData: cluster, clusterMetrics },
  clusterStability: { clusterData: cluster, nodesData: [node, { ...node, id: "node-2", status: "offline" }] },
  event: {
    blockId: "sentiment",
    instanceId: "sentiment-0",
    clusterId: "local",
    eventName: "model_loaded",
    eventData: { seconds: 4.2 },
  },
  function: { text: "hello", count: 3 },
  template: {
    templateUri: "one-block:1.0.0-stable",
    document: {
      header: { templateUri: "one-block:1.0.0-stable", parameters: { clusterId: "local" } },
      body: { name: "echo-1", component: "model.echo:1.0.0-stable", replicas: 2 },
    },
    parameters: { clusterId: "local" },
  },
};

/** The sample as the input editor shows it. */
export function sampleInputText(kind: TPolicyKind): string {
  return JSON.stringify(SAMPLE_INPUTS[kind], null, 2);
}
