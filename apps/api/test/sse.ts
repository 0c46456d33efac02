/**
 * A tRPC subscription read over real HTTP as the console's EventSource reads it (SSE): the data
 * events in the order they came, each with its tracked id.
 */
export interface SseStream<T> {
  events: Array<{ id?: string; data: T }>;
  /** Resolves when the server said it is connected (its `connected` event). */
  connected: Promise<void>;
  close(): void;
}

export function openSse<T = unknown>(url: string, path: string, input?: unknown): SseStream<T> {
  const abort = new AbortController();
  const events: SseStream<T>["events"] = [];
  let connected!: () => void;
  let failed!: (err: unknown) => void;
  const connectedP = new Promise<void>((resolve, reject) => {
    connected = resolve;
    failed = reject;
  });
  const query = input === undefined ? "" : `?input=${encodeURIComponent(JSON.stringify(input))}`;
  const read = async () => {
    const res = await fetch(`${url}/trpc/${path}${query}`, {
      headers: { accept: "text/event-stream" },
      signal: abort.signal,
    });
    if (!res.ok || !res.body) throw new Error(`${path}: HTTP ${res.status}`);
    const decoder = new TextDecoder();
    let buffered = "";
    for await (const chunk of res.body) {
      buffered += decoder.decode(chunk as Uint8Array, { stream: true });
      let end = buffered.indexOf("\n\n");
      while (end >= 0) {
        const block = buffered.slice(0, end);
        buffered = buffered.slice(end + 2);
        end = buffered.indexOf("\n\n");
        const fields = new Map<string, string>();
        for (const line of block.split("\n")) {
          const colon = line.indexOf(":");
          if (colon > 0) fields.set(line.slice(0, colon), line.slice(colon + 1).trimStart());
        }
        const event = fields.get("event");
        if (event === "connected") connected();
        else if (event === undefined && fields.has("data")) {
          const id = fields.get("id");
          events.push({ ...(id ? { id } : {}), data: JSON.parse(fields.get("data") as string) as T });
        }
      }
    }
  };
  read().catch((err: unknown) => {
    if (!abort.signal.aborted) failed(err);
  });
  return { events, connected: connectedP, close: () => abort.abort() };
}
