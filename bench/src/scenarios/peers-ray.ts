import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { findFreePort } from "@aios/service-kit";
import { type PeerProcess, type ServingPeer, startPeerProcess } from "./peers-serving";

/** Ray Serve serving one application of testpeers/serving on this machine, and how to stop it. */
export interface RayServe {
  /** The application's URL on Serve's HTTP proxy (`http://127.0.0.1:<port>/echo`). */
  url: string;
  /** Ray's version as the running Ray reports it. */
  version: string;
  startSeconds: number;
  process: PeerProcess;
  /** Stops Serve, Ray and everything they started; answers what had to be killed. */
  stop(): Promise<string[]>;
}

/**
 * Starts Ray locally (testpeers/serving/ray_serve.py: 2 logical CPUs, no dashboard, no usage stats,
 * everything on 127.0.0.1) and serves `app` on Serve's HTTP proxy at a free port: `echo` (one
 * deployment, ray_echo.py) or `chain` (an ingress deployment calling three echo deployments in turn
 * through deployment handles, ray_chain.py). Ray's session files go to a temporary folder removed
 * at stop.
 */
export async function startRayServe(peer: ServingPeer, app: "echo" | "chain"): Promise<RayServe> {
  const port = await findFreePort();
  // Short: Ray's Unix sockets live under it, and a socket's path is at most 107 bytes.
  const temp = mkdtempSync(join(tmpdir(), "aios-ray-"));
  try {
    const process = await startPeerProcess(peer, "ray_serve.py", [app, String(port), temp], {
      env: { RAY_USAGE_STATS_ENABLED: "0" },
    });
    return {
      url: String(process.ready.url),
      version: String(process.ready.ray),
      startSeconds: process.startSeconds,
      process,
      stop: async () => {
        try {
          return await process.stop();
        } finally {
          rmSync(temp, { recursive: true, force: true });
        }
      },
    };
  } catch (e) {
    rmSync(temp, { recursive: true, force: true });
    throw e;
  }
}
