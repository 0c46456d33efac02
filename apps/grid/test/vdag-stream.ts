import type { TVdagTraceStep } from "@aios/contracts";

/** What a vDAG's data plane answered a request of a stream. */
export interface Answer {
  taskId?: string;
  trace?: TVdagTraceStep[];
  error?: { message?: string; stage?: string };
}

export interface Sent {
  /** ms since the stream started */
  at: number;
  ms: number;
  /** 0: no answer (the error says why). */
  status: number;
  answer: Answer;
}

/**
 * A steady stream of sync requests to a vDAG through the API's data plane at `apiUrl`, one every
 * `everyMs` (each waits up to 60 s for its answer), until `stop`.
 */
export function stream(apiUrl: string, token: string, vdagURI: string, everyMs: number) {
  const sent: Sent[] = [];
  const inFlight = new Set<Promise<void>>();
  const t0 = performance.now();
  let n = 0;
  const one = async () => {
    const at = performance.now() - t0;
    const i = n++;
    let status = 0;
    let answer: Answer = {};
    try {
      const res = await fetch(`${apiUrl}/v1/vdags/${encodeURIComponent(vdagURI)}/infer`, {
        method: "POST",
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
        body: JSON.stringify({ data: { message: `${vdagURI} #${i}` } }),
        signal: AbortSignal.timeout(60_000),
      });
      status = res.status;
      answer = (await res.json()) as Answer;
    } catch (err) {
      answer = { error: { message: `no answer: ${(err as Error).message}` } };
    }
    sent.push({ at, ms: performance.now() - t0 - at, status, answer });
  };
  const timer = setInterval(() => {
    const p = one().finally(() => inFlight.delete(p));
    inFlight.add(p);
  }, everyMs);
  return {
    sent,
    now: () => performance.now() - t0,
    /** Stops sending and waits for every answer; the requests in the order they were sent. */
    async stop() {
      clearInterval(timer);
      await Promise.all([...inFlight]);
      return sent.sort((a, b) => a.at - b.at);
    },
  };
}

/** A request that was answered 200 without an error. */
export const ok = (s: Sent) => s.status === 200 && s.answer.error === undefined;
