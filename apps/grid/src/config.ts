import { resolve } from "node:path";
import { parseEnv } from "@aios/service-kit";
import { z } from "zod";
import { GridError } from "./errors";
import { type Ipv4Net, parseGridSubnet } from "./subnet";

export const ZGridEnv = z.object({
  /** The grid's state folder: hosts, addresses, pids, logs, tokens and every host's data. */
  AIOS_GRID_HOME: z.string().min(1).default(".grid"),
  AIOS_GRID_SUBNET: z.string().default("10.211.0.0/16"),
  /** Prefix of the grid's namespaces (`<name>-<host>`), links (`<name><i>`) and bridge (`<name>-br`). */
  AIOS_GRID_NAME: z
    .string()
    .regex(/^[a-z][a-z0-9]{1,7}$/, "must be 2 to 8 lowercase letters or digits, starting with a letter")
    .default("aiosg"),
});

export interface GridConfig {
  home: string;
  subnet: Ipv4Net;
  name: string;
  repoRoot: string;
}

export function loadGridConfig(repoRoot: string, source: Record<string, string | undefined>): GridConfig {
  let env: z.infer<typeof ZGridEnv>;
  try {
    env = parseEnv(ZGridEnv, source, "invalid grid configuration:");
  } catch (err) {
    throw new GridError((err as Error).message.replace(/\n\s*/g, " "));
  }
  return {
    home: resolve(repoRoot, env.AIOS_GRID_HOME),
    subnet: parseGridSubnet(env.AIOS_GRID_SUBNET),
    name: env.AIOS_GRID_NAME,
    repoRoot,
  };
}
