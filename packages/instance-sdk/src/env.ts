import { safeParseSpec, type TInstanceInitData, type TJsonObject, ZInstanceInitData } from "@aios/spec";
import { isJsonObject } from "./errors";

/** What the process driver puts in an instance's environment. */
export interface InstanceEnv {
  port: number;
  /** HOST: the address to listen on (default 127.0.0.1; 0.0.0.0 for every interface). */
  host: string;
  initData: TInstanceInitData;
  /** `AIOS_INIT_DATA.block`, if the driver sent the block's fields (passed to processing policies). */
  block?: TJsonObject;
}

export class InstanceEnvError extends Error {
  override readonly name = "InstanceEnvError";
  constructor(readonly problems: string[]) {
    super(`bad instance environment: ${problems.join("; ")}`);
  }
}

/**
 * Reads PORT, HOST (optional), BLOCK_ID, INSTANCE_ID and AIOS_INIT_DATA (JSON, `ZInstanceInitData`); throws
 * InstanceEnvError listing every problem. BLOCK_ID / INSTANCE_ID must match the init data.
 */
export function readInstanceEnv(env: NodeJS.ProcessEnv = process.env): InstanceEnv {
  const problems: string[] = [];
  const port = Number(env.PORT);
  if (!env.PORT || !Number.isInteger(port) || port < 0 || port > 65535)
    problems.push(`PORT must be a port number (0-65535), got ${JSON.stringify(env.PORT ?? null)}`);
  for (const name of ["BLOCK_ID", "INSTANCE_ID"] as const)
    if (!env[name]?.trim()) problems.push(`${name} must be set`);

  let raw: unknown;
  if (!env.AIOS_INIT_DATA) problems.push("AIOS_INIT_DATA must be set (JSON init data)");
  else {
    try {
      raw = JSON.parse(env.AIOS_INIT_DATA);
    } catch (e) {
      problems.push(`AIOS_INIT_DATA is not valid JSON: ${(e as Error).message}`);
    }
  }
  let initData: TInstanceInitData | undefined;
  if (raw !== undefined) {
    const parsed = safeParseSpec(ZInstanceInitData, raw);
    if (!parsed.ok) for (const i of parsed.errors) problems.push(`AIOS_INIT_DATA.${i.path}: ${i.message}`);
    else initData = parsed.data;
  }
  if (initData && env.BLOCK_ID && initData.blockId !== env.BLOCK_ID)
    problems.push(`BLOCK_ID is ${env.BLOCK_ID} but AIOS_INIT_DATA.blockId is ${initData.blockId}`);
  if (initData && env.INSTANCE_ID && initData.instanceId !== env.INSTANCE_ID)
    problems.push(
      `INSTANCE_ID is ${env.INSTANCE_ID} but AIOS_INIT_DATA.instanceId is ${initData.instanceId}`,
    );

  if (problems.length > 0 || !initData) throw new InstanceEnvError(problems);
  const block = isJsonObject(raw) && isJsonObject(raw.block) ? raw.block : undefined;
  return { port, host: env.HOST?.trim() || "127.0.0.1", initData, ...(block ? { block } : {}) };
}
