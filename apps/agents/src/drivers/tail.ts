import { closeSync, fstatSync, openSync, readSync } from "node:fs";

/** The last `limit` lines of a file, reading only its end. */
export function tailLines(path: string, limit: number, maxBytes = 256 * 1024): string[] {
  let fd: number;
  try {
    fd = openSync(path, "r");
  } catch {
    return [];
  }
  try {
    const size = fstatSync(fd).size;
    const length = Math.min(size, maxBytes);
    const buffer = Buffer.alloc(length);
    readSync(fd, buffer, 0, length, size - length);
    const lines = buffer
      .toString("utf8")
      .split("\n")
      .filter((l) => l.length > 0);
    return lines.slice(-limit);
  } finally {
    closeSync(fd);
  }
}
