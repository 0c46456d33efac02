import type { TComponentRecord } from "@aios/contracts";
import { Plus } from "lucide-react";
import Link from "next/link";
import type { RecordView } from "@/components/registry/record-detail";
import { buttonVariants } from "@/components/ui/button";
import { TableCard } from "@/components/ui/card";
import { DefaultsCard } from "@/components/ui/defaults-card";
import type { Field } from "@/components/ui/field-list";
import { TagList } from "@/components/ui/tag-list";
import { asObject, asString } from "@/lib/doc";
import { formatDateTime } from "@/lib/format";
import { AttachedPoliciesTable } from "./attached-policies-table";
import { CommandsTable } from "./commands-table";
import { CompanionsTable } from "./companions-table";
import { ModeBadge } from "./mode-badge";
import { ProtocolTable } from "./protocol-table";

const PROTOCOLS = [
  { key: "componentInputProtocol", title: "Input protocol", testId: "input-protocol" },
  { key: "componentOutputProtocol", title: "Output protocol", testId: "output-protocol" },
  { key: "componentInitSettingsProtocol", title: "Init settings protocol", testId: "settings-protocol" },
  { key: "componentInitParametersProtocol", title: "Parameters protocol", testId: "parameters-protocol" },
] as const;

const DEFAULTS = [
  { key: "componentInitData", title: "Init data" },
  { key: "componentInitSettings", title: "Init settings" },
  { key: "componentParameters", title: "Parameters" },
] as const;

/** `externallyManaged` -> `externally managed` */
const humanize = (key: string) => key.replace(/([a-z0-9])([A-Z])/g, "$1 $2").toLowerCase();
const show = (v: unknown) => (typeof v === "string" ? v : JSON.stringify(v));

/** Identity of the component plus everything in its `componentMetadata`. */
function componentFields(c: TComponentRecord, metadata: Record<string, unknown>): Field[] {
  return [
    { label: "Type", value: c.componentType },
    { label: "Name", value: c.name, mono: true },
    { label: "Version", value: `${c.version} (${c.releaseTag})`, mono: true },
    { label: "Mode", value: <ModeBadge mode={c.componentMode} /> },
    { label: "Container image", value: c.containerImage, mono: true },
    { label: "Process entry", value: asString(asObject(c.doc.runtime)?.entry), mono: true },
    { label: "Tags", value: <TagList tags={c.tags} /> },
    { label: "Registered", value: formatDateTime(c.createdAt) },
    { label: "Updated", value: formatDateTime(c.updatedAt) },
    ...Object.entries(metadata)
      .filter(([k]) => k !== "description")
      .map(([k, v]) => ({ label: humanize(k), value: show(v) })),
  ];
}

/** A component's detail page: protocols, defaults, management commands and attached policies. */
export function componentView(c: TComponentRecord): RecordView {
  const metadata = asObject(c.doc.componentMetadata) ?? {};
  return {
    title: c.componentURI,
    subtitle: `${c.componentType} component`,
    actions: (
      <Link
        href={`/blocks/new?component=${encodeURIComponent(c.componentURI)}`}
        className={buttonVariants({ size: "sm", variant: "primary" })}
        data-testid="create-block-from-component"
      >
        <Plus />
        Create block
      </Link>
    ),
    intro: asString(metadata.description),
    fields: componentFields(c, metadata),
    doc: c.doc,
    docTitle: "The registerComponent values as submitted",
    sections: (
      <>
        <div className="grid gap-6 xl:grid-cols-2">
          {PROTOCOLS.map((p) => (
            <TableCard key={p.key} title={p.title}>
              <ProtocolTable template={c.doc[p.key]} testId={p.testId} />
            </TableCard>
          ))}
        </div>
        <DefaultsCard doc={c.doc} entries={DEFAULTS} description="Used by blocks that do not override them" />
        <TableCard
          title="Init containers and side-cars"
          description="Run before each instance (in order, each must succeed) and beside it (same lifetime)"
        >
          <CompanionsTable runtime={c.doc.runtime} />
        </TableCard>
        <div className="grid gap-6 xl:grid-cols-2">
          <TableCard title="Management commands" description="Sent to a running block's instances">
            <CommandsTable commands={c.doc.componentManagementCommandsTemplate} />
          </TableCard>
          <TableCard title="Policies">
            <AttachedPoliciesTable policies={c.doc.policies} />
          </TableCard>
        </div>
      </>
    ),
  };
}
