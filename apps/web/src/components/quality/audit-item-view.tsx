import type { TQualityAuditItem } from "@aios/contracts";
import Link from "next/link";
import { PageHeading } from "@/components/layout/page";
import { StatusBadge } from "@/components/ui/badge";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { CodeBlock } from "@/components/ui/code-block";
import { Command } from "@/components/ui/command";
import { FieldList } from "@/components/ui/field-list";
import { formatDateTime } from "@/lib/format";
import { routes } from "@/lib/routes";
import { PolicyVerdict, ReviewerVerdict } from "./audit-item-table";
import { VerdictForm } from "./verdict-form";

/** A payload the controller cut (past 32 KiB of JSON): its size and first characters. */
const truncatedNote = (v: unknown) =>
  v && typeof v === "object" && (v as { truncated?: unknown }).truncated === true
    ? `Too large to carry (${(v as { bytes?: number }).bytes} bytes): its first characters only`
    : undefined;

function Payload({ title, value, testId }: { title: string; value: unknown; testId: string }) {
  return (
    <Card className="min-w-0">
      <CardHeader title={title} description={truncatedNote(value) ?? "As the vDAG controller saw it"} />
      <CardBody>
        <CodeBlock value={value} maxHeight="28rem" testId={testId} />
      </CardBody>
    </Card>
  );
}

/** One audit item: the policy's verdict, the input and the output side by side, the reviewer's verdict. */
export function AuditItemView({ item }: { item: TQualityAuditItem }) {
  return (
    <>
      <PageHeading
        title={`Sample ${item.taskId}`}
        subtitle="A request the vDAG's quality policy sent to the manual audit queue"
      />
      <Card>
        <CardBody>
          <FieldList
            fields={[
              {
                label: "vDAG",
                value: (
                  <Link href={routes.vdag(item.vdagURI)} className="text-accent-700 hover:underline">
                    {item.vdagURI}
                  </Link>
                ),
                mono: true,
              },
              { label: "Task", value: item.taskId, mono: true },
              { label: "Sampled", value: formatDateTime(item.sampledAt) },
              { label: "Policy's verdict", value: <PolicyVerdict verdict={item.verdict} /> },
              { label: "Policy's reason", value: item.verdict.reason ?? "—" },
              { label: "Status", value: <StatusBadge status={item.status} testId="quality-status" /> },
              ...(item.status === "reviewed"
                ? [
                    { label: "Reviewer's verdict", value: <ReviewerVerdict item={item} /> },
                    { label: "Reviewed by", value: `${item.reviewer} at ${formatDateTime(item.reviewedAt)}` },
                    {
                      label: "Note",
                      value: <span data-testid="quality-reviewed-note">{item.note ?? "—"}</span>,
                    },
                  ]
                : []),
            ]}
          />
        </CardBody>
      </Card>
      <div className="grid grid-cols-1 gap-4 lg:grid-cols-2">
        <Payload title="Input" value={item.input} testId="quality-input" />
        <Payload title="Output" value={item.output} testId="quality-output" />
      </div>
      {item.status === "pending" ? <VerdictForm item={item} /> : null}
      <Command
        command={
          item.status === "pending"
            ? `npx aios quality verdict ${item.id} --pass|--fail --note "…"`
            : `npx aios quality show ${item.id}`
        }
      />
    </>
  );
}
