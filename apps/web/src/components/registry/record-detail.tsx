"use client";

import type { UseQueryResult } from "@tanstack/react-query";
import type { ReactNode } from "react";
import { Page, PageHeading } from "@/components/layout/page";
import { BackLink } from "@/components/ui/back-link";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { CodeBlock } from "@/components/ui/code-block";
import { DetailSkeleton } from "@/components/ui/detail-skeleton";
import { type Field, FieldList } from "@/components/ui/field-list";
import { QueryView } from "@/components/ui/query-view";

/** What a detail page shows of one record. */
export interface RecordView {
  title: string;
  subtitle?: ReactNode;
  actions?: ReactNode;
  /** A paragraph above the fields. */
  intro?: ReactNode;
  fields: Field[];
  /** Cards between the fields and the stored spec. */
  sections?: ReactNode;
  doc: unknown;
  /** What the stored spec is ("The createBlock values as submitted"). */
  docTitle: string;
  /** The card's title over `doc` ("Stored spec" unless the record keeps something else there). */
  docHeading?: string;
}

/**
 * A record's detail page: back link, then (once its query has loaded) heading, key fields, the
 * view's own sections and the stored spec. Loading and error states are built in.
 */
export function RecordDetail<T, E>({
  back,
  query,
  view,
}: {
  back: { href: string; label: string };
  query: UseQueryResult<T, E>;
  view: (record: T) => RecordView;
}) {
  return (
    <Page>
      <BackLink href={back.href} label={back.label} />
      <QueryView query={query} skeleton={<DetailSkeleton />}>
        {(record) => <RecordBody {...view(record)} />}
      </QueryView>
    </Page>
  );
}

function RecordBody({
  title,
  subtitle,
  actions,
  intro,
  fields,
  sections,
  doc,
  docTitle,
  docHeading = "Stored spec",
}: RecordView) {
  return (
    <>
      <PageHeading title={<span className="font-mono">{title}</span>} subtitle={subtitle} actions={actions} />
      <Card>
        <CardBody className="space-y-5">
          {intro ? <div className="text-sm leading-relaxed text-zinc-600">{intro}</div> : null}
          <FieldList fields={fields} />
        </CardBody>
      </Card>
      {sections}
      <Card>
        <CardHeader title={docHeading} description={docTitle} />
        <CardBody>
          <CodeBlock value={doc} />
        </CardBody>
      </Card>
    </>
  );
}
