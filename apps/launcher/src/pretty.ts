const COLORS: Record<string, string> = { debug: "90", info: "36", warn: "33", error: "31" };

/** Renders a child's JSON log line for a person at a terminal; other lines pass through. */
export function prettyLine(source: string, line: string, color: boolean): string {
  const tag = source.padEnd(8);
  let entry: Record<string, unknown>;
  try {
    entry = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return `${tag} ${line}`;
  }
  if (typeof entry !== "object" || entry === null || typeof entry.msg !== "string") return `${tag} ${line}`;
  const { ts, level, msg, service: _s, ...rest } = entry;
  const time = typeof ts === "string" ? ts.slice(11, 19) : "";
  const lvl = String(level ?? "info");
  const fields = Object.entries(rest)
    .map(([k, v]) => `${k}=${typeof v === "string" ? v : JSON.stringify(v)}`)
    .join(" ");
  const painted = color ? `\x1b[${COLORS[lvl] ?? "0"}m${lvl.padEnd(5)}\x1b[0m` : lvl.padEnd(5);
  return `${time} ${tag} ${painted} ${msg}${fields ? `  ${fields}` : ""}`;
}
