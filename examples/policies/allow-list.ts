import { definePolicy } from "@aios/policy-runtime";

// Keeps a network to the clusters, regions and components its operators vetted. An empty or absent
// list does not restrict, so the policy can limit only what is configured.
// settings: clusterIds, regions, components (string[] each; components are componentURIs or
// prefixes ending in "*", e.g. "model.*").
const list = (value: unknown): string[] => (Array.isArray(value) ? value.map(String) : []);

export default definePolicy({
  kind: "preCheck",
  init() {
    return {};
  },
  eval(input, { settings }) {
    const clusterIds = list(settings.clusterIds);
    const regions = list(settings.regions);
    const components = list(settings.components);

    // Every action but these two concerns a cluster.
    const cluster =
      input.action === "block_mgmt" || input.action === "scale_block" ? undefined : input.clusterData;
    if (cluster) {
      if (clusterIds.length > 0 && !clusterIds.includes(cluster.id)) {
        return { allowed: false, reason: `cluster ${cluster.id} is not in the allow-list` };
      }
      if (regions.length > 0 && !regions.includes(cluster.regionId ?? "")) {
        return { allowed: false, reason: `region ${cluster.regionId ?? "(none)"} is not allowed` };
      }
    }
    if (input.action === "add_block" && components.length > 0) {
      const uri = input.blockData.blockComponentURI;
      const ok = components.some((c) => (c.endsWith("*") ? uri.startsWith(c.slice(0, -1)) : c === uri));
      if (!ok) return { allowed: false, reason: `component ${uri} is not in the allow-list` };
    }
    return { allowed: true };
  },
});
