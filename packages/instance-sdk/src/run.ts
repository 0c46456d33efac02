import type { AddressInfo } from "node:net";
import { createLogger, initTracing } from "@aios/service-kit";
import { readInstanceEnv } from "./env";
import { errorMessage } from "./errors";
import { InstanceHost } from "./host";
import { createInstanceServer } from "./server";
import type { AnyComponent } from "./types";

export interface RunningInstance {
  host: InstanceHost;
  port: number;
  /** Stop taking work, finish what is in flight (bounded), close the server. Does not exit. */
  stop(): Promise<void>;
}

/**
 * The entry of an instance process: reads the environment (a bad one exits 1 with the problems on
 * stderr), listens on HOST:PORT at once (503 until init finished), runs init, and on SIGTERM
 * or SIGINT drains and exits 0.
 */
export async function runComponent(def: AnyComponent): Promise<RunningInstance> {
  let env: ReturnType<typeof readInstanceEnv>;
  try {
    env = readInstanceEnv(process.env);
  } catch (e) {
    process.stderr.write(`${JSON.stringify({ level: "error", msg: errorMessage(e) })}\n`);
    process.exit(1);
  }
  const { initData } = env;
  const log = createLogger({ blockId: initData.blockId, instanceId: initData.instanceId });
  const traces = await initTracing(
    "aios-instance",
    {
      "service.instance.id": initData.instanceId,
      "aios.block.id": initData.blockId,
      "aios.instance.id": initData.instanceId,
      "aios.node.id": process.env.AIOS_NODE_ID,
      "aios.cluster.id": process.env.AIOS_CLUSTER_ID,
    },
    log,
  );
  const host = new InstanceHost(def, initData, { log, ...(env.block ? { block: env.block } : {}) });
  const server = createInstanceServer(host, {
    maxBodyMb: env.maxBodyMb,
    controlToken: env.controlToken,
    dataToken: env.dataToken,
  });

  await new Promise<void>((resolve) => {
    server.once("error", (e) => {
      log.error(`cannot listen on ${env.host}:${env.port}: ${errorMessage(e)}`);
      process.exit(1);
    });
    server.listen(env.port, env.host, resolve);
  });
  const port = (server.address() as AddressInfo).port;
  log.info("instance listening", { port, componentURI: initData.componentURI });

  const drainMs = env.drainTimeoutMs;
  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      server.close();
      server.closeIdleConnections();
      const drained = await host.stop(drainMs);
      if (!drained) log.warn("drain timed out; abandoning tasks in flight", { inFlight: host.inFlight });
      server.closeAllConnections();
      await traces.shutdown().catch(() => {});
    })();
    return stopping;
  };
  for (const signal of ["SIGTERM", "SIGINT"] as const) {
    process.once(signal, () => {
      log.info(`${signal}: draining`, { inFlight: host.inFlight });
      void stop().then(() => {
        log.info("instance stopped");
        process.exit(0);
      });
    });
  }

  await host.start();
  if (host.phase === "ready") log.info("instance ready");
  return { host, port, stop };
}
