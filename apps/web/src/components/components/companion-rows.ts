import { asObject, asString } from "../../lib/doc";

export interface CompanionRow {
  kind: "init container" | "side-car";
  name: string;
  program: string;
  args: string;
  ports: string;
  env: string;
}

/**
 * A component's `runtime.initContainers` (in the order they run) then `runtime.sidecars`: what runs
 * before and beside each of its instances. Variables are shown by name only.
 */
export function companionRows(runtime: unknown): CompanionRow[] {
  const r = asObject(runtime) ?? {};
  const list = (v: unknown) => (Array.isArray(v) ? v.map((c) => asObject(c) ?? {}) : []);
  const row = (kind: CompanionRow["kind"], c: Record<string, unknown>): CompanionRow => ({
    kind,
    name: asString(c.name) ?? "—",
    program: asString(c.entry) ?? asString(c.containerImage) ?? "—",
    args: Array.isArray(c.args) ? c.args.join(" ") : "",
    ports: list(c.ports)
      .map((p) => asString(p.name))
      .filter(Boolean)
      .join(", "),
    env: Object.keys(asObject(c.env) ?? {}).join(", "),
  });
  return [
    ...list(r.initContainers).map((c) => row("init container", c)),
    ...list(r.sidecars).map((c) => row("side-car", c)),
  ];
}
