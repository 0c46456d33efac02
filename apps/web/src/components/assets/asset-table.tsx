import type { TAssetRecord } from "@aios/contracts";
import Link from "next/link";
import { dateColumn, tagsColumn } from "@/components/registry/columns";
import { CELL, type TableSpec } from "@/components/ui/data-table";
import { formatBytes } from "@/lib/assets/asset-format";
import { routes } from "@/lib/routes";
import { Digest } from "./digest";

/** Who registered it: a token id, or nobody in open mode. */
export const uploaderOf = (a: TAssetRecord) => a.uploadedBy ?? "open mode";

export const ASSET_TABLE: TableSpec<TAssetRecord> = {
  rowKey: (a) => a.assetURI,
  rowHref: (a) => routes.asset(a.assetURI),
  testIdPrefix: "asset-row-",
  columns: [
    {
      header: "URI",
      cell: (a) => (
        <Link href={routes.asset(a.assetURI)} className={`${CELL.key} hover:text-accent-700`}>
          {a.assetURI}
        </Link>
      ),
    },
    {
      header: "Size",
      className: CELL.number,
      title: (a) => `${a.size} bytes`,
      cell: (a) => formatBytes(a.size),
      testId: "asset-size",
    },
    { header: "SHA-256", className: CELL.muted, cell: (a) => <Digest sha256={a.sha256} /> },
    tagsColumn(),
    { header: "Uploaded by", className: CELL.muted, cell: uploaderOf },
    dateColumn("Created", (a) => a.createdAt),
  ],
};
