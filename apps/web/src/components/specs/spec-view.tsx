import type { TSpecStoreRecord } from "@aios/contracts";
import Link from "next/link";
import type { RecordView } from "@/components/registry/record-detail";
import { TagList } from "@/components/ui/tag-list";
import { formatDateTime } from "@/lib/format";
import { routes } from "@/lib/routes";
import { isTemplated } from "@/lib/specs/spec-format";
import { ApplySpec } from "./apply-spec";
import { RemoveSpec } from "./remove-spec";
import { SpecDoes } from "./spec-table";

/** A stored spec's page: what it applies, Apply (and Preview for a template's), its document. */
export function specView(s: TSpecStoreRecord): RecordView {
  return {
    title: s.specURI,
    subtitle: "Spec: a stored spec document, applied by its URI (aios apply --spec-uri)",
    actions: <RemoveSpec specURI={s.specURI} />,
    fields: [
      { label: "Name", value: s.name, mono: true },
      { label: "Version", value: `${s.version} (${s.releaseTag})`, mono: true },
      { label: "Applies", value: <SpecDoes spec={s} /> },
      ...(isTemplated(s)
        ? [
            {
              label: "Template",
              value: (
                <Link href={routes.policy(s.templateUri)} className="text-accent-700 hover:underline">
                  {s.templateUri}
                </Link>
              ),
              mono: true,
            },
          ]
        : []),
      { label: "Description", value: s.description ?? "—" },
      { label: "Tags", value: <TagList tags={s.tags} /> },
      { label: "Stored by", value: s.createdBy ?? "open mode", mono: true },
      { label: "Created", value: formatDateTime(s.createdAt) },
    ],
    sections: <ApplySpec spec={s} />,
    doc: s.document,
    docHeading: "Document",
    docTitle: isTemplated(s)
      ? "In its template's own format: the header names the template and its parameters"
      : "A Parser/V1 spec document",
  };
}
