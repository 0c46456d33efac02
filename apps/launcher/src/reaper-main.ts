/**
 * The launcher's reaper (see reaper.ts): reads what to stop from stdin, one JSON message per line;
 * at end of input without `done`, the launcher died: it stops every tracked service group, then the
 * data stores, and exits. Arguments: the file it logs what it did to.
 */
import { appendFileSync } from "node:fs";
import { createInterface } from "node:readline";
import { isRunning, processStartTime } from "@aios/service-kit";
import type { ReaperMessage } from "./reaper";

type Tracked = Extract<ReaperMessage, { track: unknown }>["track"];

const SERVICES_GRACE_MS = 25_000;
const STORES_GRACE_MS = 15_000;
const logFile = process.argv[2];
const tracked = new Map<number, Tracked>();
let done = false;

const log = (msg: string, fields: Record<string, unknown> = {}) => {
  if (!logFile) return;
  try {
    appendFileSync(
      logFile,
      `${JSON.stringify({ ts: new Date().toISOString(), service: "reaper", msg, ...fields })}\n`,
    );
  } catch {
    // nowhere to say it
  }
};

/** Still the process that was tracked (not gone, not a zombie, not a reused pid). */
const runs = (t: Tracked) => processStartTime(t.pid) === t.start && isRunning(t.pid);

function signal(t: Tracked, sig: NodeJS.Signals) {
  try {
    process.kill(t.group ? -t.pid : t.pid, sig);
  } catch {
    // already gone
  }
}

async function stopAll(items: Tracked[], graceMs: number) {
  const live = items.filter(runs);
  if (live.length === 0) return;
  log("stopping", { names: live.map((t) => t.name) });
  for (const t of live) signal(t, t.signal);
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline && live.some(runs)) await new Promise((r) => setTimeout(r, 200));
  for (const t of live) {
    // The leader may be gone while what it started lingers: the group gets SIGKILL either way.
    if (t.group || runs(t)) signal(t, "SIGKILL");
  }
}

const lines = createInterface({ input: process.stdin });
lines.on("line", (line) => {
  let message: ReaperMessage;
  try {
    message = JSON.parse(line) as ReaperMessage;
  } catch {
    return;
  }
  if ("track" in message) tracked.set(message.track.pid, message.track);
  else if ("untrack" in message) tracked.delete(message.untrack);
  else if ("done" in message) done = true;
});
lines.on("close", async () => {
  if (done) process.exit(0);
  log("the launcher is gone without stopping: stopping what it started");
  const all = [...tracked.values()];
  // Services (groups) before the data stores they use.
  await stopAll(
    all.filter((t) => t.group),
    SERVICES_GRACE_MS,
  );
  await stopAll(
    all.filter((t) => !t.group),
    STORES_GRACE_MS,
  );
  log("stopped");
  process.exit(0);
});
