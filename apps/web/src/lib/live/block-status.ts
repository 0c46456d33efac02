import type { TBlockRecord } from "@aios/contracts";

/** What `blocks.onStatus` streams: one status change of one block. */
export interface BlockStatusEvent {
  blockId: string;
  status: string;
  reason: string;
  /** ISO-8601. */
  at: string;
}

/**
 * The record with the event's status, or the record itself when the event is not about it or is
 * older than what the record already shows (a refetch may have overtaken the stream).
 */
export function patchBlock(record: TBlockRecord, e: BlockStatusEvent): TBlockRecord {
  if (record.id !== e.blockId) return record;
  if (Date.parse(e.at) < Date.parse(record.updatedAt)) return record;
  if (record.status === e.status && record.statusReason === e.reason) return record;
  return { ...record, status: e.status, statusReason: e.reason, updatedAt: e.at };
}

/** A list with the event applied to its block (the same array when nothing changed). */
export function patchBlockList(list: TBlockRecord[], e: BlockStatusEvent): TBlockRecord[] {
  let changed = false;
  const next = list.map((b) => {
    const p = patchBlock(b, e);
    if (p !== b) changed = true;
    return p;
  });
  return changed ? next : list;
}
