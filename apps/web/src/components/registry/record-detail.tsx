import type { ReactNode } from "react";
import { PageHeading } from "@/components/layout/page";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { CodeBlock } from "@/components/ui/code-block";
import { type Field, FieldList } from "@/components/ui/field-list";

/** Heading, key fields and the stored spec of one registry record. */
export function RecordDetail({
  title,
  subtitle,
  actions,
  fields,
  doc,
  docTitle,
  children,
}: {
  title: string;
  subtitle?: ReactNode;
  actions?: ReactNode;
  fields: Field[];
  doc: unknown;
  docTitle: string;
  children?: ReactNode;
}) {
  return (
    <>
      <PageHeading title={<span className="font-mono">{title}</span>} subtitle={subtitle} actions={actions} />
      <Card>
        <CardBody>
          <FieldList fields={fields} />
        </CardBody>
      </Card>
      {children}
      <Card>
        <CardHeader title="Stored spec" description={docTitle} />
        <CardBody>
          <CodeBlock value={doc} />
        </CardBody>
      </Card>
    </>
  );
}
