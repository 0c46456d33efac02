import { MAX_EXECUTOR_CAPACITY } from "@aios/contracts";
import { ZMaxBodyMbEnv } from "@aios/service-kit";
import { z } from "zod";

/** A deployed policy executor's settings (README.md). */
export const ZExecutorEnv = z.object({
  AIOS_API_URL: z.url().default("http://127.0.0.1:4000"),
  /** An operator token of the network (`aios token create --role operator`); none in open mode. */
  AIOS_TOKEN: z.string().min(1).optional(),
  /** The name it registers under: the same name after a restart keeps its id. */
  AIOS_EXECUTOR_NAME: z.string().min(1),
  AIOS_EXECUTOR_GROUP: z.string().min(1).optional(),
  /** Calls it runs at once; past it, it answers 503 and the API tries another executor. */
  AIOS_EXECUTOR_CAPACITY: z.coerce.number().int().min(1).max(MAX_EXECUTOR_CAPACITY).default(16),
  PORT: z.coerce.number().int().min(0).max(65535).default(7100),
  HOST: z.string().min(1).default("127.0.0.1"),
  /** Where the API reaches it; default `http://<HOST>:<port>` (give it when HOST is 0.0.0.0). */
  AIOS_EXECUTOR_URL: z.url().optional(),
  AIOS_HEARTBEAT_SECONDS: z.coerce.number().positive().max(10).default(5),
  /** CPU time per call and memory per isolate. */
  AIOS_POLICY_CPU_MS: z.coerce.number().positive().default(1000),
  AIOS_POLICY_MEMORY_MB: z.coerce.number().positive().default(128),
  AIOS_MAX_BODY_MB: ZMaxBodyMbEnv,
});
export type ExecutorEnv = z.infer<typeof ZExecutorEnv>;
