import type { TBlockEventOutcome, TBlockEventRecord } from "@aios/contracts";
import type { Prisma } from "@aios/db";

/** A stored block event as the API answers it. */
export const toEventRecord = (r: Prisma.BlockEventGetPayload<object>): TBlockEventRecord => ({
  id: r.id,
  blockId: r.blockId,
  instanceId: r.instanceId,
  clusterId: r.clusterId,
  name: r.name,
  data: r.data as TBlockEventRecord["data"],
  source: r.source === "instance" ? "instance" : "platform",
  outcome: (r.outcome as TBlockEventOutcome | null) ?? null,
  createdAt: r.createdAt.toISOString(),
});

/** The largest data or output a live event carries as is (the live bus's notices are small). */
const LIVE_VALUE_BYTES = 1024;
const small = <T>(v: T): T | { truncated: true; bytes: number } => {
  const bytes = Buffer.byteLength(JSON.stringify(v) ?? "");
  return bytes > LIVE_VALUE_BYTES ? { truncated: true, bytes } : v;
};

/** An event for live views: large data or policy output shortened (`blocks.events` has them whole). */
export const forLiveViews = (e: TBlockEventRecord): TBlockEventRecord => ({
  ...e,
  data: small(e.data),
  outcome: e.outcome
    ? { ...e.outcome, output: small(e.outcome.output), action: small(e.outcome.action) }
    : null,
});
