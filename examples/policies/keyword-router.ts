import { definePolicy } from "@aios/policy-runtime";

// Conditional routing: send each result only to the branches that should see it, e.g. non-English
// text to a translation branch and complaints to a support branch, instead of fanning out to all.
// settings: field (default "text"), routes ([{keywords: string[], to: string[]}]),
//           nonEnglishTo (string[]: used when `data.language` is set and is not "en"),
//           defaultTo (string[]: when nothing matched; absent = every outgoing edge).
type Route = { keywords: string[]; to: string[] };

const strings = (value: unknown): string[] => (Array.isArray(value) ? value.map(String) : []);

export default definePolicy({
  kind: "vdagPostProcessing",
  init({ settings }) {
    // Parse the routes once; eval runs for every task.
    const routes: Route[] = (Array.isArray(settings.routes) ? settings.routes : []).map((r: unknown) => {
      const route = (r ?? {}) as Record<string, unknown>;
      return { keywords: strings(route.keywords).map((k) => k.toLowerCase()), to: strings(route.to) };
    });
    return { routes };
  },
  eval(input, { state, settings, log }) {
    const data = input.packet.data;
    const language = typeof data.language === "string" ? data.language : undefined;
    const field = String(settings.field ?? "text");
    const text = typeof data[field] === "string" ? (data[field] as string).toLowerCase() : "";

    let targets: string[] = [];
    const nonEnglishTo = strings(settings.nonEnglishTo);
    if (language && language !== "en" && language !== "und" && nonEnglishTo.length > 0) {
      targets = nonEnglishTo;
    } else {
      for (const route of state.routes) {
        if (route.keywords.some((k) => text.includes(k))) targets.push(...route.to);
      }
    }
    // Only outgoing edges are routable; a typo in the settings should show up in the logs rather
    // than silently end the walk, so unknown targets fall back like "nothing matched".
    let next = [...new Set(targets)].filter((label) => input.next.includes(label));
    if (next.length < new Set(targets).size) log.warn("ignoring unknown route targets", targets, input.next);
    if (next.length === 0) {
      if (!Array.isArray(settings.defaultTo)) return { packet: input.packet };
      next = strings(settings.defaultTo).filter((label) => input.next.includes(label));
    }
    return { packet: input.packet, next };
  },
});
