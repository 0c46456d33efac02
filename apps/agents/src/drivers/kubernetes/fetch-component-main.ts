/**
 * The init container of a pod that runs a component's pushed code (pushed-code.ts): fetches the
 * bundle into the pod's component volume and exits 0, or says why not and exits 1.
 */
import { fetchComponent, fetchComponentEnv } from "./fetch-component";

try {
  const bundle = await fetchComponent(fetchComponentEnv(process.env));
  console.log(`fetched ${bundle}`);
} catch (err) {
  console.error(`fetch-component: ${(err as Error).message}`);
  process.exit(1);
}
