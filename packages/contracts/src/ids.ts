import { z } from "zod";

const ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";
// Largest multiple of 36 below 256: bytes at or above it are redrawn so every character is equally likely.
const UNBIASED_LIMIT = 256 - (256 % ALPHABET.length);

/** `n` random lowercase alphanumerics from the Web Crypto API (browser- and Node-safe). */
export function randomAlnum(n: number): string {
  let out = "";
  const bytes = new Uint8Array(n * 2);
  while (out.length < n) {
    globalThis.crypto.getRandomValues(bytes);
    for (const b of bytes) {
      if (b < UNBIASED_LIMIT && out.length < n) out += ALPHABET[b % ALPHABET.length];
    }
  }
  return out;
}

export const BLOCK_ID_RE = /^blk-[a-z0-9]{8}$/;
export const INSTANCE_ID_RE = /^in-[a-z0-9]{4}$/;

/** Generated block id: `blk-` + 8 lowercase alphanumerics, e.g. `blk-fqasklid`. */
export const newBlockId = (): string => `blk-${randomAlnum(8)}`;
/** A vDAG controller: `vdc-` + 8 characters (a DNS label, so it can name queues and workloads). */
export const newVdagControllerId = (): string => `vdc-${randomAlnum(8)}`;

/** Generated instance id: `in-` + 4 lowercase alphanumerics, e.g. `in-a8x2`. */
export const newInstanceId = (): string => `in-${randomAlnum(4)}`;

export const DNS_LABEL_RE = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** RFC 1123 label as Kubernetes uses it: lowercase alphanumerics and '-', alnum at both ends, <= 63. */
export function isDnsLabel(s: string): boolean {
  return s.length <= 63 && DNS_LABEL_RE.test(s);
}

export const DNS_LABEL_HINT =
  "must be a DNS-1123 label: lowercase letters, digits and '-', starting and ending with a letter or digit, at most 63 characters";

/** A user-chosen id that ends up in process names, Kubernetes object names and queue names. */
export const ZDnsLabel = z.string().refine(isDnsLabel, { error: DNS_LABEL_HINT });
