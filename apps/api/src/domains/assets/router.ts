import {
  ZAssetRecord,
  ZAssetRegistered,
  ZAssetRegisterRequest,
  ZAssetRemoved,
  ZAssetUri,
} from "@aios/contracts";
import { z } from "zod";
import { changeProcedure, router } from "../../trpc";
import { rowReadProcedures } from "../registry/procedures";

/**
 * The assets registry's records; the blobs themselves travel on the data plane
 * (`PUT`/`GET /v1/assets/blobs/<sha256>`, `data-plane/asset-blobs.ts`).
 */
export const assetsRouter = router({
  ...rowReadProcedures({ record: ZAssetRecord, key: "assetURI", reader: (s) => s.assets }),
  /**
   * Names an uploaded blob `<name>:<version>-<releaseTag>`. The same URI with the same digest again
   * changes nothing (`created: false`); with another digest it is a conflict.
   */
  register: changeProcedure
    .input(ZAssetRegisterRequest)
    .output(ZAssetRegistered)
    .mutation(({ ctx, input }) => ctx.services.assets.register(input, ctx.principal.tokenId)),
  /** Removes a record (and its blob with the last record); refused while a component uses it. */
  remove: changeProcedure
    .input(z.object({ assetURI: ZAssetUri }))
    .output(ZAssetRemoved)
    .mutation(({ ctx, input }) => ctx.services.assets.remove(input.assetURI)),
});
