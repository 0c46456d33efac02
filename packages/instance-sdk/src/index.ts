export type { Logger } from "@aios/service-kit";
export { Batcher } from "./batcher";
export { DEFAULT_DRAIN_TIMEOUT_MS, type InstanceEnv, InstanceEnvError, readInstanceEnv } from "./env";
export { badInput, InstanceError, type Issue, type Reply, type TaskStage, unknownAction } from "./errors";
export { EventError, EventOutbox, MAX_PENDING_EVENTS } from "./events";
export { type HostOptions, InstanceHost, type Phase } from "./host";
export type { ComponentMetrics } from "./metrics";
export { type RunningInstance, runComponent, runComponent as serveComponent } from "./run";
export {
  createInstanceServer,
  INSTANCE_ROUTES,
  type InstanceRouteAccess,
  type InstanceServerOptions,
} from "./server";
export { type ComponentHarness, type TestInitData, testComponent } from "./testing";
export * from "./types";
export { DEFAULT_VDAG_POLICY_CACHE_SIZE, VdagPolicyCache } from "./vdag-processing";
