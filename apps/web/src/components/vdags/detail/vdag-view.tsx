import type { TVdagRecord } from "@aios/contracts";
import { Pencil } from "lucide-react";
import Link from "next/link";
import type { RecordView } from "@/components/registry/record-detail";
import { StatusWithReason } from "@/components/ui/badge";
import { buttonVariants } from "@/components/ui/button";
import { TagList } from "@/components/ui/tag-list";
import { asObject, asString } from "@/lib/doc";
import type { PublicEndpoints } from "@/lib/env";
import { formatDateTime } from "@/lib/format";
import { RemoveVdag } from "./remove-vdag";
import { VdagSections } from "./vdag-sections";

const list = (v: unknown) => (Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : []);

/**
 * A vDAG's detail page: status and actions, its graph with runs and traces, how to call it over the
 * Open Inference Protocol (at the public `endpoints`), metrics, controller.
 */
export const vdagView =
  (endpoints: PublicEndpoints) =>
  (v: TVdagRecord): RecordView => {
    const shape = asObject(v.doc.graphShape);
    const nodes = Array.isArray(v.doc.nodes) ? v.doc.nodes.length : 0;
    return {
      title: v.vdagURI,
      subtitle: "vDAG",
      actions: (
        <div className="flex items-start gap-3">
          <StatusWithReason status={v.status} reason={asString(v.doc.statusReason)} align="end" />
          <Link
            href={`/vdags/${encodeURIComponent(v.vdagURI)}/edit`}
            className={buttonVariants({ size: "sm" })}
            data-testid="edit-vdag"
          >
            <Pencil />
            Edit
          </Link>
          {v.status !== "removed" ? <RemoveVdag vdagURI={v.vdagURI} /> : null}
        </div>
      ),
      doc: v.doc,
      docTitle:
        "The createvDAG values as submitted, and what the API added (assignment, graph shape, history)",
      fields: [
        { label: "Name", value: v.vdagName },
        { label: "Version", value: `${v.version} (${v.releaseTag})`, mono: true },
        { label: "Tags", value: <TagList tags={list(v.doc.discoveryTags)} /> },
        { label: "Nodes", value: <span data-testid="vdag-node-count">{nodes}</span> },
        { label: "Heads", value: list(shape?.heads).join(", ") || null, mono: true },
        { label: "Tails", value: list(shape?.tails).join(", ") || null, mono: true },
        { label: "Created", value: formatDateTime(v.createdAt) },
        { label: "Updated", value: formatDateTime(v.updatedAt) },
      ],
      sections: <VdagSections vdag={v} endpoints={endpoints} />,
    };
  };
