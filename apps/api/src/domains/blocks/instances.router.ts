import { ZInstanceRecord } from "@aios/contracts";
import { router } from "../../trpc";
import { rowReadProcedures } from "../registry/procedures";

/** Every block's instances; `get` takes `key`: `<blockId>/<instanceId>`. */
export const instancesRouter = router({
  ...rowReadProcedures({ record: ZInstanceRecord, key: "key", reader: (s) => s.registries.instances }),
});
