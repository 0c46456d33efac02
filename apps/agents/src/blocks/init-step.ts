import { join } from "node:path";
import type { ApiClient } from "@aios/client";
import type { Logger } from "@aios/service-kit";
import { type Driver, DriverClosedError } from "../drivers/driver";

export type InitMode = "install" | "uninstall";
type InitStageName = "begin" | "main" | "finish" | "failed";
const INIT_STAGES: readonly string[] = ["begin", "main", "finish", "failed"];

/** What an init step needs of a block's desired state. */
export interface InitTarget {
  initEntry: string | null;
  blockInitData: unknown;
  initSettings: unknown;
  parameters: unknown;
}

/**
 * Runs a block's init step (a managed third-party system's install or uninstall) to the end,
 * reporting each stage it prints to the API, one at a time and in order; true when it finished.
 */
export async function runInitStep(
  deps: { api: ApiClient; driver: Driver; log: Logger; systemsDir: string },
  blockId: string,
  d: InitTarget,
  mode: InitMode,
): Promise<boolean> {
  if (!d.initEntry) return true;
  const { api, driver, log } = deps;
  let reported: Promise<unknown> = Promise.resolve();
  let finished = false;
  let lastMessage = "";
  const report = (stage: InitStageName, message?: string, parameters?: Record<string, unknown>) => {
    reported = reported.then(() =>
      api.agents.work.reportInitStage
        .mutate({
          blockId,
          mode,
          stage,
          ...(message ? { message } : {}),
          ...(parameters ? { parameters } : {}),
        })
        .catch((err: Error) => log.warn("init stage report failed", { blockId, err: err.message })),
    );
  };
  try {
    const { code } = await driver.runJob({
      name: `${blockId}-init-${mode}`,
      entry: d.initEntry,
      timeoutMs: 5 * 60_000,
      env: {
        AIOS_INIT_MODE: mode,
        BLOCK_ID: blockId,
        AIOS_SYSTEM_DIR: join(deps.systemsDir, blockId),
        AIOS_INIT_DATA: JSON.stringify({
          blockInitData: d.blockInitData,
          initSettings: d.initSettings,
          parameters: d.parameters,
        }),
      },
      onLine: (line) => {
        const event = parseStage(line);
        if (!event) {
          lastMessage = line.slice(0, 500);
          return;
        }
        if (event.stage === "finish") finished = true;
        report(event.stage, event.message, event.parameters);
      },
    });
    if (code !== 0) finished = false;
    if (!finished) report("failed", `exited with code ${code}${lastMessage ? `: ${lastMessage}` : ""}`);
  } catch (err) {
    if (err instanceof DriverClosedError) throw err; // the agent is stopping: no verdict on the system
    report("failed", (err as Error).message);
  }
  await reported;
  log.info("init step", { blockId, mode, finished });
  return finished;
}

/** A stage line of an init step: `{"stage": "...", "message"?, "parameters"?}`. */
export function parseStage(line: string) {
  try {
    const v = JSON.parse(line) as { stage?: unknown; message?: unknown; parameters?: unknown };
    if (typeof v.stage !== "string" || !INIT_STAGES.includes(v.stage)) return null;
    return {
      stage: v.stage as InitStageName,
      message: typeof v.message === "string" ? v.message : undefined,
      parameters:
        v.parameters && typeof v.parameters === "object" && !Array.isArray(v.parameters)
          ? (v.parameters as Record<string, unknown>)
          : undefined,
    };
  } catch {
    return null;
  }
}
