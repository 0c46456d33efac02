import { cn } from "@/lib/cn";
import { Card, CardBody, CardHeader } from "./card";
import { CodeBlock } from "./code-block";

/** Default values from a stored spec (`doc[key]` of each entry), side by side. */
export function DefaultsCard({
  doc,
  entries,
  description,
}: {
  doc: Record<string, unknown>;
  entries: readonly { key: string; title: string }[];
  description: string;
}) {
  return (
    <Card data-testid="defaults">
      <CardHeader title="Defaults" description={description} />
      <CardBody className={cn("grid gap-4", entries.length === 2 ? "lg:grid-cols-2" : "lg:grid-cols-3")}>
        {entries.map((d) => (
          <div key={d.key} className="min-w-0">
            <p className="mb-2 text-xs font-medium uppercase tracking-wide text-zinc-400">{d.title}</p>
            <CodeBlock value={doc[d.key] ?? {}} maxHeight="14rem" />
          </div>
        ))}
      </CardBody>
    </Card>
  );
}
