import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { z } from "zod";

/** The roles that may sign in to the console (agent, data and join tokens have no use for it). */
export const CONSOLE_ROLES = ["viewer", "operator", "admin"] as const;
export type ConsoleRole = (typeof CONSOLE_ROLES)[number];

/** What a session cookie carries, sealed: the principal's own token and who it is. */
export const ZSession = z.object({
  token: z.string().min(1),
  role: z.enum(CONSOLE_ROLES),
  name: z.string().nullable(),
  tokenId: z.string().nullable(),
  /** Unix seconds after which the console no longer honours the cookie. */
  expiresAt: z.number().int(),
});
export type TSession = z.infer<typeof ZSession>;

const IV_BYTES = 12;
const TAG_BYTES = 16;
/** Binds the sealed text to this use, so nothing else sealed with the key passes for a session. */
const AAD = Buffer.from("aios-console-session-v1");

/** AES-256-GCM: the cookie is unreadable and unforgeable without the server-side key. */
export function sealSession(session: TSession, key: Buffer): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv("aes-256-gcm", key, iv).setAAD(AAD);
  const body = Buffer.concat([cipher.update(JSON.stringify(session), "utf8"), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), body]).toString("base64url");
}

/** The session in a cookie value, or null when it was tampered with, sealed by another key or expired. */
export function unsealSession(sealed: string, key: Buffer, nowSeconds = Date.now() / 1000): TSession | null {
  const raw = Buffer.from(sealed, "base64url");
  if (raw.length <= IV_BYTES + TAG_BYTES) return null;
  try {
    const decipher = createDecipheriv("aes-256-gcm", key, raw.subarray(0, IV_BYTES)).setAAD(AAD);
    decipher.setAuthTag(raw.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
    const text = Buffer.concat([decipher.update(raw.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]);
    const session = ZSession.safeParse(JSON.parse(text.toString("utf8")));
    if (!session.success || session.data.expiresAt <= nowSeconds) return null;
    return session.data;
  } catch {
    return null;
  }
}
