/**
 * Frames on the socket between a host and its sandbox child. A frame is
 * `[u32 size][u32 head size][head: JSON][raw strings]`, little-endian, sizes in bytes: the head
 * carries the small fields and `r`, the byte lengths of the raw strings that follow it. A policy's
 * input and answer are JSON text already: they cross as raw UTF-8, never escaped into another
 * JSON string and parsed back out of it (what Node's IPC channel did, at a cost that grew with the
 * input).
 */
export interface Frame {
  head: Record<string, unknown>;
  raw: string[];
}

const SIZES = 8;

export function encodeFrame(head: Record<string, unknown>, raw: readonly string[] = []): Buffer {
  const lengths = raw.map((s) => Buffer.byteLength(s));
  const headJson = JSON.stringify(lengths.length > 0 ? { ...head, r: lengths } : head);
  const headBytes = Buffer.byteLength(headJson);
  let size = SIZES + headBytes;
  for (const n of lengths) size += n;
  const buf = Buffer.allocUnsafe(size);
  buf.writeUInt32LE(size - 4, 0);
  buf.writeUInt32LE(headBytes, 4);
  let at = SIZES + buf.write(headJson, SIZES);
  for (const s of raw) at += buf.write(s, at);
  return buf;
}

/**
 * Splits what arrives on the socket back into frames. Frames are handed out as soon as they are
 * whole; the part of one that has not all arrived is copied, so the caller may reuse its buffer.
 */
export class FrameReader {
  private rest: Buffer | null = null;

  read(chunk: Buffer, onFrame: (frame: Frame) => void): void {
    let buf = this.rest ? Buffer.concat([this.rest, chunk]) : chunk;
    this.rest = null;
    while (buf.length >= 4) {
      const end = 4 + buf.readUInt32LE(0);
      if (buf.length < end) break;
      onFrame(decode(buf, end));
      buf = buf.subarray(end);
    }
    if (buf.length > 0) this.rest = Buffer.from(buf);
  }
}

function decode(buf: Buffer, end: number): Frame {
  const headEnd = SIZES + buf.readUInt32LE(4);
  const head = JSON.parse(buf.toString("utf8", SIZES, headEnd)) as Record<string, unknown>;
  const lengths = (head.r as number[] | undefined) ?? [];
  const raw: string[] = [];
  let at = headEnd;
  for (const n of lengths) {
    raw.push(buf.toString("utf8", at, at + n));
    at += n;
  }
  if (at !== end) throw new Error(`a sandbox frame of ${end} bytes held ${at}`);
  delete head.r;
  return { head, raw };
}
