/** Renders rows as aligned columns, kubectl-style. */
export function renderTable<R>(columns: Record<string, (row: R) => unknown>, rows: R[]): string {
  if (rows.length === 0) return "No resources found.";
  const headers = Object.keys(columns);
  const cells = rows.map((row) => Object.values(columns).map((cell) => text(cell(row))));
  const widths = headers.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]?.length ?? 0)));
  const line = (values: string[]) =>
    values
      .map((v, i) => v.padEnd(widths[i] ?? 0))
      .join("   ")
      .trimEnd();
  return [line(headers), ...cells.map(line)].join("\n");
}

function text(v: unknown): string {
  if (v === null || v === undefined || v === "") return "-";
  return typeof v === "string" ? v : String(v);
}
