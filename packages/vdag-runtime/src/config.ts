import { ZVdagControllerConfig } from "@aios/contracts";
import { DEFAULT_MAX_BODY_MB } from "@aios/service-kit";
import type { z } from "zod";

export { ZVdagControllerConfig };
export type TVdagControllerConfig = z.infer<typeof ZVdagControllerConfig>;
/** What `AIOS_VDAG_CONTROLLER` / `PUT /config` may send (defaults not applied yet). */
export type TVdagControllerConfigInput = z.input<typeof ZVdagControllerConfig>;

/** Limits of the process itself (not part of the vDAG's configuration). */
export interface ControllerSettings {
  /** `POST /v1/infer` body limit in MiB (`AIOS_MAX_BODY_MB`; 413 past it). */
  maxBodyMb: number;
  /** SIGTERM / close(): how long in-flight requests may take. */
  drainTimeoutMs: number;
  /** Per executor `/health` probe. */
  healthTimeoutMs: number;
  /** Finished responses kept for `GET /v1/tasks/:id`. */
  tasksKept: number;
}

export const DEFAULT_SETTINGS: ControllerSettings = {
  maxBodyMb: DEFAULT_MAX_BODY_MB,
  drainTimeoutMs: 30_000,
  healthTimeoutMs: 2_000,
  tasksKept: 500,
};
