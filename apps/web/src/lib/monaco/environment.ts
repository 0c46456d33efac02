/**
 * Where Monaco's web workers come from. Monaco must never reach for a CDN (the machine is offline),
 * and under Turbopack a worker is only bundled when its `new URL(...)` sits directly inside
 * `new Worker(...)`: hence one explicit `new Worker` per label, no helper building the URL.
 *
 * One environment for every editor of the console (JSON specs, policy TypeScript): a second
 * `self.MonacoEnvironment` would silently replace this one.
 */
export function workerFor(label: string): Worker {
  switch (label) {
    case "json":
      return new Worker(new URL("monaco-editor/language/json/json.worker.js", import.meta.url), {
        type: "module",
      });
    case "typescript":
    case "javascript":
      return new Worker(new URL("monaco-editor/language/typescript/ts.worker.js", import.meta.url), {
        type: "module",
      });
    default:
      return new Worker(new URL("monaco-editor/editor/editor.worker.js", import.meta.url), {
        type: "module",
      });
  }
}

/** Installs the worker factory once per page; later calls keep the first. */
export function installMonacoEnvironment(): void {
  if (typeof self === "undefined") return;
  if (self.MonacoEnvironment?.getWorker === getWorker) return;
  self.MonacoEnvironment = { ...self.MonacoEnvironment, getWorker };
}

function getWorker(_workerId: string, label: string): Worker {
  return workerFor(label);
}
