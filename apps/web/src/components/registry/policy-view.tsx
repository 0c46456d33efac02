import { POLICY_KIND_SCHEMAS, type TPolicyRecord } from "@aios/contracts";
import { GitCompareArrows, PencilLine } from "lucide-react";
import Link from "next/link";
import { CommandsTable } from "@/components/components/commands-table";
import { PolicyVersionsCard } from "@/components/policies/versions-card";
import { Badge } from "@/components/ui/badge";
import { buttonVariants } from "@/components/ui/button";
import { Card, CardBody, CardHeader, TableCard } from "@/components/ui/card";
import { CodeBlock } from "@/components/ui/code-block";
import { DefaultsCard } from "@/components/ui/defaults-card";
import { TagList } from "@/components/ui/tag-list";
import { asString } from "@/lib/doc";
import { formatDateTime } from "@/lib/format";
import { policyRoutes } from "@/lib/policy/routes";
import type { RecordView } from "./record-detail";

const DEFAULTS = [
  { key: "policySettings", title: "Settings" },
  { key: "policyParameters", title: "Parameters" },
] as const;

/** A policy rule's detail page: its kind, TypeScript code, defaults and management commands. */
export function policyView(p: TPolicyRecord): RecordView {
  const code = asString(p.doc.code);
  return {
    title: p.policyRuleURI,
    subtitle: p.description ?? "Policy rule",
    actions: (
      <>
        <Badge tone="accent" className="font-mono">
          {p.kind}
        </Badge>
        <Link href={policyRoutes.diff(p.policyRuleURI)} className={buttonVariants({ size: "sm" })}>
          <GitCompareArrows />
          Compare versions
        </Link>
        <Link
          href={policyRoutes.edit(p.policyRuleURI)}
          className={buttonVariants({ size: "sm", variant: "primary" })}
          data-testid="edit-policy"
        >
          <PencilLine />
          Edit
        </Link>
      </>
    ),
    intro: (
      <p data-testid="policy-kind-description">
        <span className="font-mono font-medium text-zinc-900">{p.kind}</span>:{" "}
        {POLICY_KIND_SCHEMAS[p.kind].description}
      </p>
    ),
    doc: p.doc,
    docTitle: "The createPolicy values as submitted",
    fields: [
      { label: "Name", value: p.name, mono: true },
      { label: "Version", value: `${p.version} (${p.releaseTag})`, mono: true },
      { label: "Kind", value: p.kind, mono: true },
      { label: "Tags", value: <TagList tags={p.tags} /> },
      { label: "Created", value: formatDateTime(p.createdAt) },
    ],
    sections: (
      <>
        <Card>
          <CardHeader title="Code" description="The policy's TypeScript module" />
          <CardBody>
            {code ? (
              <CodeBlock value={code} lineNumbers testId="policy-code" />
            ) : (
              <p className="text-sm text-zinc-400">No code stored.</p>
            )}
          </CardBody>
        </Card>
        <PolicyVersionsCard policy={p} />
        <DefaultsCard
          doc={p.doc}
          entries={DEFAULTS}
          description="Used unless a block or call overrides them"
        />
        <TableCard title="Management commands" description="Sent to a running policy's state">
          <CommandsTable commands={p.doc.managementCommandsSchema} />
        </TableCard>
      </>
    ),
  };
}
