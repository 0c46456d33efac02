import { definePolicy } from "@aios/policy-runtime";

// Lets a search prefer results carrying given tags (e.g. "gpu", "eu") without excluding the rest,
// which a filter would do. settings: tags (string[]), requireAll (default false), limit (optional).
export default definePolicy({
  kind: "ranking",
  init() {
    return {};
  },
  eval(input, { settings }) {
    const wanted = Array.isArray(settings.tags) ? settings.tags.map(String) : [];
    const requireAll = settings.requireAll === true;
    const limit = typeof settings.limit === "number" ? settings.limit : input.filterResult.length;

    // Records carry tags at the top level; raw documents may keep them inside `doc`.
    const tagsOf = (entry: Record<string, unknown>): string[] => {
      const doc = entry.doc as Record<string, unknown> | undefined;
      const tags = entry.tags ?? doc?.tags;
      return Array.isArray(tags) ? tags.map(String) : [];
    };
    const scored = input.filterResult.map((entry, position) => {
      const tags = tagsOf(entry);
      return { entry, position, score: wanted.filter((t) => tags.includes(t)).length };
    });
    const kept = requireAll ? scored.filter((s) => s.score === wanted.length) : scored;
    // Equal scores keep the filter's order, so ranking never shuffles otherwise equal results.
    kept.sort((a, b) => b.score - a.score || a.position - b.position);
    return { results: kept.slice(0, limit).map((s) => s.entry) };
  },
});
