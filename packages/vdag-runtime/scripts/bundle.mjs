// `npm run bundle -w @aios/vdag-runtime` (also at the repository's postinstall): the vDAG controller as
// dist/main.mjs, which `controllerEntry()` hands the agent instead of src/main.ts while it is fresh.
import { relative } from "node:path";
import { fileURLToPath } from "node:url";
import { bundleRuntime } from "@aios/policy-runtime/bundle";

for (const { file, bytes } of await bundleRuntime(fileURLToPath(new URL("..", import.meta.url)))) {
  process.stdout.write(`${relative(process.cwd(), file)}: ${Math.round(bytes / 1024)} KiB\n`);
}
