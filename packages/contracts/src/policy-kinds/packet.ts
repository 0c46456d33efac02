import { z } from "zod";
import { ZJsonObject } from "../specs/common";

/**
 * The task packet of the data plane (reference §5.2 `AIOSPacket`). The wire names `session_id`,
 * `seq_no`, `data`, `ts`, `files` and `file_data` are kept, because clients send exactly these to
 * `/v1/infer`. Cleaned up for JSON: `data` is the decoded object (the original carried a JSON string),
 * `ts` is epoch milliseconds (the original: seconds as a double), and routing is decided by the
 * vDAG controller (`vdagPostProcessing` may return `next`) instead of travelling in `output_ptr`.
 * `(session_id, seq_no)` identifies a task.
 */
export const ZPacketFile = z.looseObject({
  metadata: ZJsonObject.optional(),
  /** File content, base64-encoded. */
  file_data: z.string(),
});
export type TPacketFile = z.infer<typeof ZPacketFile>;

/** Where a packet is inside a vDAG; present only on packets of a vDAG request. */
export const ZVdagPacketContext = z.looseObject({
  vdagURI: z.string().min(1),
  /** Label of the vDAG node whose block is handling the packet now. */
  nodeLabel: z.string().min(1),
  /** Labels of the nodes the packet has already passed, oldest first. */
  path: z.array(z.string()).optional(),
});
export type TVdagPacketContext = z.infer<typeof ZVdagPacketContext>;

export const ZAiosPacket = z.looseObject({
  /** The client's session id (the original prefixed vDAG sessions with `vdag::<uri>::`; not here). */
  session_id: z.string().min(1),
  seq_no: z.number().int().min(0),
  /** The task's payload: the request's `data`, or the previous block's output. */
  data: ZJsonObject,
  /** When the request entered the system, epoch milliseconds. */
  ts: z.number(),
  files: z.array(ZPacketFile).optional(),
  vdag: ZVdagPacketContext.optional(),
});
export type TAiosPacket = z.infer<typeof ZAiosPacket>;
