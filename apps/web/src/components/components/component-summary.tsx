import type { TComponentRecord } from "@aios/spec";
import { Card, CardBody } from "@/components/ui/card";
import { type Field, FieldList } from "@/components/ui/field-list";
import { TagList } from "@/components/ui/tag-list";
import { asObject, asString } from "@/lib/doc";
import { formatDateTime } from "@/lib/format";
import { ModeBadge } from "./mode-badge";

/** `externallyManaged` -> `externally managed` */
const humanize = (key: string) => key.replace(/([a-z0-9])([A-Z])/g, "$1 $2").toLowerCase();

function show(v: unknown): string {
  return typeof v === "string" ? v : JSON.stringify(v);
}

/** Identity of the component plus everything in its `componentMetadata`. */
export function ComponentSummary({ component: c }: { component: TComponentRecord }) {
  const metadata = asObject(c.doc.componentMetadata) ?? {};
  const description = asString(metadata.description);
  const entry = asString(asObject(c.doc.runtime)?.entry);
  const fields: Field[] = [
    { label: "Type", value: c.componentType },
    { label: "Name", value: c.name, mono: true },
    { label: "Version", value: `${c.version} (${c.releaseTag})`, mono: true },
    { label: "Mode", value: <ModeBadge mode={c.componentMode} /> },
    { label: "Container image", value: c.containerImage, mono: true },
    { label: "Process entry", value: entry, mono: true },
    { label: "Tags", value: <TagList tags={c.tags} /> },
    { label: "Registered", value: formatDateTime(c.createdAt) },
    { label: "Updated", value: formatDateTime(c.updatedAt) },
    ...Object.entries(metadata)
      .filter(([k]) => k !== "description")
      .map(([k, v]) => ({ label: humanize(k), value: show(v) })),
  ];
  return (
    <Card>
      <CardBody className="space-y-5">
        {description ? <p className="text-sm leading-relaxed text-zinc-600">{description}</p> : null}
        <FieldList fields={fields} />
      </CardBody>
    </Card>
  );
}
