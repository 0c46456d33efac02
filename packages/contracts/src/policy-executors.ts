import { z } from "zod";
import { ZBoundedName } from "./limits";
import { DOTTED_NAME_RE } from "./uri";

/**
 * Executors you deploy (execution type 2 on your own machine): a policy executor process
 * (`apps/policy-executor`) registers itself under a name with the URL the API reaches it at, its
 * capacity and an optional group, then beats every few seconds. `policies.execute` with an
 * `executorId` runs a policy there, with an `executorGroup` on the least loaded healthy one of
 * the group. The API calls it with the call token it gave at registration (kept sealed).
 */

const ZExecutorName = ZBoundedName().regex(DOTTED_NAME_RE, {
  error: "must start with a letter or digit and contain only letters, digits, '.', '-' or '_'",
});

/** Where the API reaches the executor: http(s), no credentials, query or fragment. */
export const ZExecutorUrl = z.string().superRefine((value, ctx) => {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    ctx.addIssue({ code: "custom", message: "must be an absolute http(s) URL, e.g. http://10.0.0.5:7100" });
    return;
  }
  if (url.protocol !== "http:" && url.protocol !== "https:")
    ctx.addIssue({ code: "custom", message: `must be http or https, not ${url.protocol.replace(":", "")}` });
  else if (url.username || url.password)
    ctx.addIssue({
      code: "custom",
      message: "must not carry credentials (the call token is sent as a header)",
    });
  else if (url.search || url.hash)
    ctx.addIssue({ code: "custom", message: "must have no query or fragment" });
});

/** Largest number of calls an executor may say it takes at once. */
export const MAX_EXECUTOR_CAPACITY = 10_000;
/** An executor silent for this long is `unreachable`: no call is sent to it. */
export const EXECUTOR_STALE_SECONDS = 15;

export const ZRegisterExecutorRequest = z.strictObject({
  name: ZExecutorName,
  url: ZExecutorUrl,
  /** Calls it takes at once; the API sends no more to it. */
  capacity: z.number().int().min(1).max(MAX_EXECUTOR_CAPACITY),
  /** Executors of one group share `policies.execute({executorGroup})`'s calls. */
  group: ZExecutorName.optional(),
  /** What the API must present (`authorization: Bearer …`) on every call: 32 to 256 characters. */
  callToken: z.string().min(32).max(256),
});
export type TRegisterExecutorRequest = z.infer<typeof ZRegisterExecutorRequest>;

export const ZExecutorHeartbeat = z.strictObject({
  id: z.string().min(1),
  /** Calls it runs now, and since it started: served, failed. */
  inFlight: z.number().int().min(0),
  served: z.number().int().min(0),
  failed: z.number().int().min(0),
});
export type TExecutorHeartbeat = z.infer<typeof ZExecutorHeartbeat>;

export const EXECUTOR_STATUSES = ["healthy", "unreachable"] as const;

export const ZExecutorRecord = z.object({
  id: z.string(),
  name: z.string(),
  url: z.string(),
  group: z.string().nullable(),
  capacity: z.number().int(),
  /** `healthy`: beat within EXECUTOR_STALE_SECONDS; `unreachable`: silent longer. */
  status: z.enum(EXECUTOR_STATUSES),
  inFlight: z.number().int(),
  served: z.number().int(),
  failed: z.number().int(),
  registeredAt: z.string(),
  lastSeenAt: z.string(),
  /** The token that registered it (null in open mode). */
  registeredBy: z.string().nullable(),
});
export type TExecutorRecord = z.infer<typeof ZExecutorRecord>;
