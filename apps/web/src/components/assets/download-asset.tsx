import type { TAssetRecord } from "@aios/contracts";
import { Download } from "lucide-react";
import { buttonVariants } from "@/components/ui/button";
import { blobHref, downloadNameOf } from "@/lib/assets/asset-format";

/**
 * The asset's bytes through the console's `/v1/assets/blobs/<sha256>` proxy, which adds the
 * session's token (any role may read). A plain link: the browser streams it to disk.
 */
export function DownloadAsset({ asset }: { asset: TAssetRecord }) {
  return (
    <a
      href={blobHref(asset.sha256)}
      download={downloadNameOf(asset)}
      className={buttonVariants({ size: "sm", variant: "primary" })}
      data-testid="asset-download"
    >
      <Download />
      Download
    </a>
  );
}
