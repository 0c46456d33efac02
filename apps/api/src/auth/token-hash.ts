import { createHash } from "node:crypto";

/** An API token as it is stored and looked up: its SHA-256, never the token itself. */
export function hashToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}
