/**
 * What one NOTIFY carries: the publishing process, its sequence number (so two equal events are
 * two notifications: PostgreSQL folds equal payloads of one transaction into one), the topic and
 * the event. Events carry ids and short fields; the records themselves stay in the database.
 */
export interface NotifyEnvelope {
  /** The publishing process's id. */
  o: string;
  /** Its sequence number. */
  n: number;
  /** The topic. */
  t: string;
  /** The event. */
  e: Record<string, unknown>;
}

/** PostgreSQL refuses a NOTIFY payload of 8000 bytes or more. */
export const MAX_NOTIFY_BYTES = 7_999;
const MARK = "… (shortened)";

const bytesOf = (text: string) => Buffer.byteLength(text, "utf8");

/**
 * The envelope as JSON within `maxBytes`. A longer one has its longest text fields shortened (a
 * status reason: the record keeps it whole, and the views re-read the record on each event);
 * null when even that does not fit (the event is dropped and counted).
 */
export function encodeEnvelope(envelope: NotifyEnvelope, maxBytes = MAX_NOTIFY_BYTES): string | null {
  const text = JSON.stringify(envelope);
  if (bytesOf(text) <= maxBytes) return text;
  const event = { ...envelope.e };
  const encode = () => JSON.stringify({ ...envelope, e: event });
  const texts = Object.entries(event)
    .filter(
      (entry): entry is [string, string] => typeof entry[1] === "string" && entry[1].length > MARK.length,
    )
    .sort((a, b) => b[1].length - a[1].length);
  for (const [key, value] of texts) {
    const cut = (keep: number) => {
      // Never half a surrogate pair.
      const end = /[\uD800-\uDBFF]/.test(value.charAt(keep - 1)) ? keep - 1 : keep;
      event[key] = value.slice(0, end) + MARK;
    };
    cut(0);
    if (bytesOf(encode()) > maxBytes) continue; // not enough alone: shorten the next one too
    // The longest part of it that fits (JSON escapes and wide characters make bytes differ from length).
    let [fits, fitsNot] = [0, value.length];
    while (fitsNot - fits > 1) {
      const mid = Math.floor((fits + fitsNot) / 2);
      cut(mid);
      if (bytesOf(encode()) <= maxBytes) fits = mid;
      else fitsNot = mid;
    }
    cut(fits);
    return encode();
  }
  return null;
}

/** The envelope in a notification's payload, or null when it is none. */
export function decodeEnvelope(payload: string): NotifyEnvelope | null {
  let value: unknown;
  try {
    value = JSON.parse(payload);
  } catch {
    return null;
  }
  if (typeof value !== "object" || value === null) return null;
  const v = value as Record<string, unknown>;
  if (typeof v.o !== "string" || typeof v.n !== "number" || typeof v.t !== "string") return null;
  if (typeof v.e !== "object" || v.e === null || Array.isArray(v.e)) return null;
  return v as unknown as NotifyEnvelope;
}
