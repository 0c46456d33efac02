import { type ApiClient, describeApiError } from "@aios/client";
import type { TRegisterExecutorRequest } from "@aios/contracts";
import type { Logger } from "@aios/service-kit";
import type { ExecutorLoad } from "./routes";

/**
 * Keeps the executor registered: registers, then beats every `everyMs` with its load. A beat the
 * API answers NOT_FOUND (the executor was removed, or the API's database is new) registers it
 * again; while the API is unreachable it keeps trying, and serves the calls it still gets.
 */
export function keepRegistered(opts: {
  api: ApiClient;
  request: TRegisterExecutorRequest;
  load: ExecutorLoad;
  everyMs: number;
  log: Logger;
  /** Told the id once registered (and again if it changes). */
  onRegistered?: (id: string) => void;
}) {
  let id: string | null = null;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;

  async function turn(): Promise<void> {
    try {
      if (id === null) {
        const rec = await opts.api.executors.register.mutate(opts.request);
        id = rec.id;
        opts.log.info("registered", { id, name: rec.name, url: rec.url, group: rec.group });
        opts.onRegistered?.(id);
      } else {
        await opts.api.executors.heartbeat.mutate({ id, ...opts.load });
      }
    } catch (err) {
      const notFound = (err as { data?: { code?: string } }).data?.code === "NOT_FOUND";
      if (notFound) id = null;
      opts.log.warn(notFound ? "not registered any more: registering again" : "cannot reach the API", {
        error: describeApiError(err),
      });
      if (notFound && !stopped) return turn();
    }
  }

  const loop = async () => {
    await turn();
    if (!stopped) timer = setTimeout(loop, opts.everyMs);
  };
  void loop();
  return {
    id: () => id,
    stop() {
      stopped = true;
      clearTimeout(timer);
    },
  };
}
