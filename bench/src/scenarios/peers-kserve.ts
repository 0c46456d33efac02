import { findFreePort } from "@aios/service-kit";
import { type PeerProcess, type ServingPeer, startPeerProcess } from "./peers-serving";

/** KServe's model server serving the echo model, and how to stop it. */
export interface KserveServer {
  /** The model's Open Inference Protocol endpoint (`http://127.0.0.1:<port>/v2/models/<name>/infer`). */
  url: string;
  version: string;
  startSeconds: number;
  process: PeerProcess;
  stop(): Promise<string[]>;
}

/**
 * Starts KServe's Python model server (testpeers/serving/kserve_echo.py: one uvicorn worker on
 * 127.0.0.1, gRPC off) with the echo model named `model`, on a free port.
 */
export async function startKserve(peer: ServingPeer, model: string): Promise<KserveServer> {
  const port = await findFreePort();
  const process = await startPeerProcess(peer, "kserve_echo.py", [model, String(port)], {
    timeoutMs: 90_000,
  });
  return {
    url: String(process.ready.url),
    version: String(process.ready.kserve),
    startSeconds: process.startSeconds,
    process,
    stop: () => process.stop(),
  };
}
