import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { CodeBlock } from "@/components/ui/code-block";
import type { JsonObject } from "@/lib/doc";

const DEFAULTS = [
  { key: "componentInitData", title: "Init data" },
  { key: "componentInitSettings", title: "Init settings" },
  { key: "componentParameters", title: "Parameters" },
] as const;

/** The defaults a block gets unless its own spec overrides them. */
export function ComponentDefaults({ doc }: { doc: JsonObject }) {
  return (
    <Card>
      <CardHeader title="Defaults" description="Used by blocks that do not override them" />
      <CardBody className="grid gap-4 lg:grid-cols-3">
        {DEFAULTS.map((d) => (
          <div key={d.key} className="min-w-0">
            <p className="mb-2 text-xs font-medium uppercase tracking-wide text-zinc-400">{d.title}</p>
            <CodeBlock value={doc[d.key] ?? {}} maxHeight="14rem" />
          </div>
        ))}
      </CardBody>
    </Card>
  );
}
