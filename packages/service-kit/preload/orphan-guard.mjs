// Preloaded (`node --import`) into every workload an agent starts on its machine: executors,
// instances, vDAG controllers, function replicas. The agent touches AIOS_AGENT_ALIVE_FILE every few
// seconds; when nothing has touched it for AIOS_ORPHAN_GRACE_SECONDS, the agent is gone (killed, its
// machine's launcher killed) and no agent came back to adopt this workload, so it stops its own
// process group instead of running forever. Plain JavaScript: it runs before any loader.
// A workload that runs as another user than the agent cannot reach the file (AIOS_HOME is 0700): the
// agent then hands it the file open, as AIOS_AGENT_ALIVE_FD, and the guard looks at that instead.
import { fstatSync, statSync } from "node:fs";

const file = process.env.AIOS_AGENT_ALIVE_FILE;
const fd = process.env.AIOS_AGENT_ALIVE_FD ? Number(process.env.AIOS_AGENT_ALIVE_FD) : null;
const graceMs = Number(process.env.AIOS_ORPHAN_GRACE_SECONDS ?? "60") * 1000;

if (file && Number.isFinite(graceMs) && graceMs > 0) {
  let lastAlive = Date.now();
  const timer = setInterval(
    () => {
      try {
        lastAlive = Math.max(lastAlive, (fd !== null ? fstatSync(fd) : statSync(file)).mtimeMs);
      } catch {
        // no file: the agent's state is gone; the grace still applies
      }
      const gone = Date.now() - lastAlive;
      if (gone <= graceMs) return;
      clearInterval(timer);
      process.stderr.write(
        `${JSON.stringify({
          ts: new Date().toISOString(),
          level: "warn",
          msg: "the agent is gone and nobody adopted this workload: stopping",
          aliveFile: file,
          goneMs: Math.round(gone),
        })}\n`,
      );
      stopGroup();
    },
    Math.min(5_000, Math.max(100, graceMs / 4)),
  );
  timer.unref();
}

/** SIGTERM to this workload's process group (itself and what it started), SIGKILL if it lingers. */
function stopGroup() {
  const signalGroup = (signal) => {
    try {
      process.kill(-process.pid, signal);
      return true;
    } catch {
      return false; // not a group leader: only this process
    }
  };
  if (!signalGroup("SIGTERM")) process.kill(process.pid, "SIGTERM");
  setTimeout(() => {
    if (!signalGroup("SIGKILL")) process.exit(1);
  }, 5_000);
}
