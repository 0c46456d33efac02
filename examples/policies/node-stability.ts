import { definePolicy } from "@aios/policy-runtime";

// A node that stopped heartbeating or is overloaded will fail the instances placed on it; flagging
// it lets the agent stop placing there before tasks start failing.
// settings: maxSilenceSeconds (default 90), maxLoadPerCpu (default 2), minStableFraction (default 1).
export default definePolicy({
  kind: "clusterStability",
  init() {
    return {};
  },
  eval(input, { settings }) {
    const maxSilenceMs = Number(settings.maxSilenceSeconds ?? 90) * 1000;
    const maxLoadPerCpu = Number(settings.maxLoadPerCpu ?? 2);
    const minStable = Number(settings.minStableFraction ?? 1);
    const now = Date.now();

    const reasons: Record<string, string> = {};
    for (const node of input.nodesData) {
      const seen = node.lastSeenAt ? Date.parse(node.lastSeenAt) : Number.NaN;
      if (node.status !== undefined && node.status !== "ready") reasons[node.id] = `status ${node.status}`;
      else if (!Number.isFinite(seen) || now - seen > maxSilenceMs) reasons[node.id] = "no recent heartbeat";
      else if (node.vcpus && (node.load15m ?? 0) / node.vcpus > maxLoadPerCpu)
        reasons[node.id] = "overloaded";
    }

    const unstableNodes = Object.keys(reasons);
    const total = input.nodesData.length;
    const stableFraction = total === 0 ? 0 : (total - unstableNodes.length) / total;
    return {
      isStable: total > 0 && stableFraction >= minStable,
      unstableNodes,
      stabilityCheckData: { stableFraction, reasons },
    };
  },
});
