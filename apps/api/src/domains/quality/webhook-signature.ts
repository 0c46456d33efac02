import { createHmac, timingSafeEqual } from "node:crypto";

/**
 * The signature of a quality webhook, as Stripe signs its webhooks: the header
 * `X-AIOS-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>`. A receiver
 * recomputes it over the raw body with the vDAG's secret, compares in constant time, and refuses
 * a `t` too far from its clock (replays).
 */
export function signQualityWebhook(secret: string, body: string, at: Date = new Date()): string {
  const t = Math.floor(at.getTime() / 1000);
  return `t=${t},v1=${hmacOf(secret, t, body)}`;
}

/** Whether `header` signs `body` with `secret`, at most `toleranceSeconds` from `now`. */
export function verifyQualityWebhook(
  secret: string,
  body: string,
  header: string,
  now: Date = new Date(),
  toleranceSeconds = 300,
): boolean {
  const parts = new Map(
    header.split(",").map((p) => {
      const i = p.indexOf("=");
      return [p.slice(0, i).trim(), p.slice(i + 1).trim()] as const;
    }),
  );
  const t = Number(parts.get("t"));
  const v1 = parts.get("v1") ?? "";
  if (!Number.isInteger(t) || Math.abs(now.getTime() / 1000 - t) > toleranceSeconds) return false;
  const expected = Buffer.from(hmacOf(secret, t, body), "hex");
  const given = Buffer.from(v1, "hex");
  return given.length === expected.length && timingSafeEqual(given, expected);
}

const hmacOf = (secret: string, t: number, body: string) =>
  createHmac("sha256", secret).update(`${t}.${body}`).digest("hex");
