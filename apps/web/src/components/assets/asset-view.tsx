import type { TAssetRecord } from "@aios/contracts";
import type { RecordView } from "@/components/registry/record-detail";
import { TagList } from "@/components/ui/tag-list";
import { formatBytes } from "@/lib/assets/asset-format";
import { formatDateTime } from "@/lib/format";
import { uploaderOf } from "./asset-table";
import { Digest } from "./digest";
import { DownloadAsset } from "./download-asset";
import { RemoveAsset } from "./remove-asset";

/** An asset's page: what names which bytes, Download and Remove, and its metadata. */
export function assetView(a: TAssetRecord): RecordView {
  return {
    title: a.assetURI,
    subtitle: "Asset: a blob in the registry, addressed by its SHA-256",
    actions: (
      <>
        <DownloadAsset asset={a} />
        <RemoveAsset assetURI={a.assetURI} />
      </>
    ),
    fields: [
      { label: "Name", value: a.name, mono: true },
      { label: "Version", value: `${a.version} (${a.releaseTag})`, mono: true },
      { label: "Size", value: `${formatBytes(a.size)} (${a.size.toLocaleString("en-GB")} bytes)` },
      { label: "SHA-256", value: <Digest sha256={a.sha256} full />, mono: true },
      { label: "Tags", value: <TagList tags={a.tags} /> },
      { label: "Uploaded by", value: uploaderOf(a), mono: true },
      { label: "Created", value: formatDateTime(a.createdAt) },
    ],
    doc: a.metadata,
    docHeading: "Metadata",
    docTitle:
      "What it was registered with (aios asset upload records the file name; a pushed component its URI)",
  };
}
