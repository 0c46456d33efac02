import type { CDPSession } from "@playwright/test";
import { round } from "../measure";

/*
 * Frames in a page, for the editor scenario: the time between animation frames (what a user sees)
 * and the CPU time the page's main thread spent in each (what the page itself costs: on a busy
 * machine a frame can take long while the page waits for a core). In-page code is given as source
 * text: the TypeScript loader would add helpers to functions.
 */

const MARK = "aios-frame";

/**
 * Records the time of every animation frame until STOP_FRAMES, and marks each (a user-timing mark:
 * in a trace it carries the main thread's CPU clock).
 */
export const START_FRAMES = `(() => {
  window.__frames = [];
  window.__stop = false;
  const tick = (t) => {
    if (window.__stop) return;
    window.__frames.push(t);
    performance.mark(${JSON.stringify(MARK)});
    requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
})()`;

export const STOP_FRAMES = `(() => {
  window.__stop = true;
  performance.clearMarks(${JSON.stringify(MARK)});
  return window.__frames;
})()`;

/**
 * Resolves after `n` more animation frames with the number of frames recorded so far: the end of a
 * phase of a gesture, once the work its last input caused has been drawn.
 */
export const settleFrames = (n: number) => `new Promise((done) => {
  let left = ${n};
  const next = () => (left-- <= 0 ? done(window.__frames.length) : requestAnimationFrame(next));
  next();
})`;

/** Starts a trace of user-timing marks only (the frames' marks; nothing else is recorded). */
export async function startFrameTrace(cdp: CDPSession): Promise<void> {
  await cdp.send("Tracing.start", { categories: "blink.user_timing", transferMode: "ReturnAsStream" });
}

/**
 * Ends the trace; the main thread's CPU clock (ms) at each frame's mark, in order, or undefined
 * when the trace has no thread clock.
 */
export async function stopFrameTrace(cdp: CDPSession): Promise<number[] | undefined> {
  const complete = new Promise<{ stream?: string }>((done) => cdp.once("Tracing.tracingComplete", done));
  await cdp.send("Tracing.end");
  const { stream } = await complete;
  if (!stream) return undefined;
  let text = "";
  for (;;) {
    const chunk = await cdp.send("IO.read", { handle: stream });
    text += chunk.base64Encoded ? Buffer.from(chunk.data, "base64").toString("utf8") : chunk.data;
    if (chunk.eof) break;
  }
  await cdp.send("IO.close", { handle: stream });
  const parsed = JSON.parse(text) as { traceEvents?: TraceEvent[] } | TraceEvent[];
  const events = Array.isArray(parsed) ? parsed : (parsed.traceEvents ?? []);
  const marks = events.filter((e) => e.name === MARK && e.ph !== "M").sort((a, b) => a.ts - b.ts);
  if (marks.some((m) => m.tts === undefined)) return undefined;
  return marks.map((m) => (m.tts ?? 0) / 1000);
}

interface TraceEvent {
  name: string;
  ph: string;
  ts: number;
  /** The thread's CPU clock, µs. */
  tts?: number;
}

export interface PhaseFrames {
  /** The longest time between two animation frames, ms. */
  worstMs: number;
  frames: number;
  /** The most CPU time the main thread spent in one of those frames, and the median, ms. */
  worstCpuMs?: number;
  medianCpuMs?: number;
}

/**
 * The frames that ended in [from, to) (indices into `frames`, the frames' times): their longest
 * gap and, when `cpu` (the thread clock at each frame) covers them, the CPU spent in each.
 */
export function phaseFrames(
  frames: number[],
  cpu: number[] | undefined,
  from: number,
  to: number,
): PhaseFrames {
  const gaps: number[] = [];
  const spent: number[] = [];
  // One mark per frame, in order (a trace may end with a mark more: the frame STOP_FRAMES met).
  const withCpu = cpu !== undefined && cpu.length >= frames.length;
  for (let i = Math.max(1, from); i < Math.min(to, frames.length); i++) {
    gaps.push((frames[i] ?? 0) - (frames[i - 1] ?? 0));
    if (withCpu) spent.push((cpu[i] ?? 0) - (cpu[i - 1] ?? 0));
  }
  spent.sort((a, b) => a - b);
  return {
    worstMs: round(Math.max(0, ...gaps)),
    frames: gaps.length,
    ...(withCpu && spent.length > 0
      ? { worstCpuMs: round(spent.at(-1) ?? 0), medianCpuMs: round(spent[spent.length >> 1] ?? 0) }
      : {}),
  };
}
