/**
 * The Jaeger test peer (testpeers/jaeger/README.md).
 *   node --import tsx scripts/jaeger-peer.ts build   build jaeger once into .cache/testpeers/jaeger (a no-op when built)
 *   node --import tsx scripts/jaeger-peer.ts path    print the binary's path (fails, naming `build`, when not built)
 *   node --import tsx scripts/jaeger-peer.ts start   run one on free ports of 127.0.0.1 until Ctrl-C, printing its URLs
 */
import { buildJaeger, builtJaeger, startJaeger } from "./jaeger-peer/index";

async function main(command: string): Promise<void> {
  if (command === "build") await buildJaeger();
  else if (command === "path") console.log((await builtJaeger()).bin);
  else if (command === "start") {
    const peer = await startJaeger();
    console.log(`jaeger-peer: OTLP/HTTP ${peer.otlpHttpUrl}/v1/traces`);
    console.log(`jaeger-peer: query API and UI ${peer.queryUrl}`);
    console.log(`jaeger-peer: log ${peer.dir}/jaeger.log; Ctrl-C stops it`);
    const stop = () => void peer.stop().then(() => process.exit(0));
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
    // Kept alive until a signal: the child is unref'd.
    setInterval(() => {}, 1 << 30);
  } else throw new Error(`unknown command ${command}: use build, path or start`);
}

const [command = "build"] = process.argv.slice(2);
await main(command).catch((e: unknown) => {
  console.error(`jaeger-peer: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
});
