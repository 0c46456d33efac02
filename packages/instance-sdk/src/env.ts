import {
  EnvError,
  formatIssue,
  jsonEnv,
  parseEnv,
  type TInstanceInitData,
  type TJsonObject,
  ZInstanceInitData,
  ZJsonObject,
} from "@aios/contracts";
import {
  refuseOpenControlOffLoopback,
  refuseOpenDataOffLoopback,
  ZControlTokenEnv,
  ZDataTokenEnv,
  ZMaxBodyMbEnv,
} from "@aios/service-kit";
import { z } from "zod";

/** How long SIGTERM waits for tasks in flight before exiting anyway (env AIOS_DRAIN_TIMEOUT_MS). */
export const DEFAULT_DRAIN_TIMEOUT_MS = 10_000;

/** What the process driver puts in an instance's environment. */
export interface InstanceEnv {
  port: number;
  /** HOST: the address to listen on (default 127.0.0.1; 0.0.0.0 for every interface). */
  host: string;
  initData: TInstanceInitData;
  /** `AIOS_INIT_DATA.block`, if the driver sent the block's fields (passed to processing policies). */
  block?: TJsonObject;
  drainTimeoutMs: number;
  /** `AIOS_MAX_BODY_MB`: the largest request body in MiB (default 16); a larger one is answered 413. */
  maxBodyMb: number;
  /**
   * `AIOS_CONTROL_TOKEN`: the bearer token `/mgmt` and `/setParameters` require (the agent sets it);
   * null for the explicit opt-out `none`, allowed on a loopback HOST only.
   */
  controlToken: string | null;
  /**
   * `AIOS_DATA_TOKEN`: the bearer token `/infer` requires (the agent sets it and gives it to the
   * block's executor); null for the explicit opt-out `none`, allowed on a loopback HOST only.
   */
  dataToken: string | null;
}

export class InstanceEnvError extends EnvError {
  override readonly name = "InstanceEnvError";
  /** Each problem as `<variable>: <reason>`. */
  get problems(): string[] {
    return this.issues.map(formatIssue);
  }
}

const isPort = (text: string | undefined) =>
  !!text && Number.isInteger(Number(text)) && Number(text) >= 0 && Number(text) <= 65535;

// A refinement, not a transform's issue: the checks across variables below still run when PORT is wrong.
const ZPort = z
  .string()
  .optional()
  .refine(isPort, {
    error: (iss) => `must be a port number (0-65535), got ${JSON.stringify(iss.input ?? null)}`,
  })
  .transform(Number);

const ZInstanceEnv = z
  .object({
    PORT: ZPort,
    HOST: z
      .string()
      .optional()
      .transform((host) => host?.trim() || "127.0.0.1"),
    BLOCK_ID: z.string().trim().min(1),
    INSTANCE_ID: z.string().trim().min(1),
    AIOS_INIT_DATA: jsonEnv("AIOS_INIT_DATA").pipe(
      ZInstanceInitData.extend({ block: ZJsonObject.optional() }),
    ),
    AIOS_DRAIN_TIMEOUT_MS: z.coerce.number().int().positive().default(DEFAULT_DRAIN_TIMEOUT_MS),
    AIOS_MAX_BODY_MB: ZMaxBodyMbEnv,
    AIOS_CONTROL_TOKEN: ZControlTokenEnv,
    AIOS_DATA_TOKEN: ZDataTokenEnv,
  })
  .superRefine((env, ctx) => {
    if (env.HOST !== undefined && env.AIOS_CONTROL_TOKEN !== undefined)
      refuseOpenControlOffLoopback({ HOST: env.HOST, AIOS_CONTROL_TOKEN: env.AIOS_CONTROL_TOKEN }, ctx);
    if (env.HOST !== undefined && env.AIOS_DATA_TOKEN !== undefined)
      refuseOpenDataOffLoopback({ HOST: env.HOST, AIOS_DATA_TOKEN: env.AIOS_DATA_TOKEN }, ctx);
    // The ids are given twice (the driver's variables and the init data); they must name the same instance.
    const init = env.AIOS_INIT_DATA as Partial<TInstanceInitData> | undefined;
    for (const [name, key] of [
      ["BLOCK_ID", "blockId"],
      ["INSTANCE_ID", "instanceId"],
    ] as const) {
      const given = env[name];
      const inInit = init?.[key];
      if (given && typeof inInit === "string" && given !== inInit)
        ctx.addIssue({
          code: "custom",
          path: [name],
          message: `is ${given} but AIOS_INIT_DATA.${key} is ${inInit}`,
        });
    }
  });

/**
 * Reads PORT, HOST (optional), BLOCK_ID, INSTANCE_ID, AIOS_INIT_DATA (JSON, `ZInstanceInitData`),
 * AIOS_DRAIN_TIMEOUT_MS and AIOS_MAX_BODY_MB (optional), AIOS_CONTROL_TOKEN and AIOS_DATA_TOKEN
 * (required; `none` on a loopback HOST only); throws InstanceEnvError listing every
 * problem. BLOCK_ID / INSTANCE_ID must match the init data.
 */
export function readInstanceEnv(env: Record<string, string | undefined>): InstanceEnv {
  let parsed: z.output<typeof ZInstanceEnv>;
  try {
    parsed = parseEnv(ZInstanceEnv, env, "bad instance environment:");
  } catch (err) {
    if (err instanceof EnvError) throw new InstanceEnvError("bad instance environment:", err.issues);
    throw err;
  }
  const { block, ...initData } = parsed.AIOS_INIT_DATA;
  return {
    port: parsed.PORT,
    host: parsed.HOST,
    initData,
    ...(block ? { block } : {}),
    drainTimeoutMs: parsed.AIOS_DRAIN_TIMEOUT_MS,
    maxBodyMb: parsed.AIOS_MAX_BODY_MB,
    controlToken: parsed.AIOS_CONTROL_TOKEN,
    dataToken: parsed.AIOS_DATA_TOKEN,
  };
}
