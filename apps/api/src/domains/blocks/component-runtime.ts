import { ZInstanceInitContainers, ZInstanceSidecars } from "@aios/contracts";
import { asObject } from "../registry/doc";

/** A component's `runtime.asset` (checked at registration), or null. */
export const assetOf = (v: unknown): { assetURI: string; sha256: string } | null => {
  const a = asObject(v);
  return typeof a.assetURI === "string" && typeof a.sha256 === "string"
    ? { assetURI: a.assetURI, sha256: a.sha256 }
    : null;
};

/**
 * What runs beside each instance of a component (`runtime.initContainers`, `runtime.sidecars`),
 * checked at registration. A stored spec from before these fields existed may carry anything under
 * those names (the runtime keeps unknown fields): then none run, as then.
 */
export function companionsOf(runtime: Record<string, unknown>) {
  const initContainers = ZInstanceInitContainers.safeParse(runtime.initContainers ?? []);
  const sidecars = ZInstanceSidecars.safeParse(runtime.sidecars ?? []);
  return {
    initContainers: initContainers.success ? initContainers.data : [],
    sidecars: sidecars.success ? sidecars.data : [],
  };
}
