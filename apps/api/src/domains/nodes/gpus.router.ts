import { ZNodeGpuRecord } from "@aios/contracts";
import { router } from "../../trpc";
import { rowReadProcedures } from "../registry/procedures";

/** Every node's GPUs; `get` takes `key`: `<nodeId>/<index>`. */
export const gpusRouter = router({
  ...rowReadProcedures({ record: ZNodeGpuRecord, key: "key", reader: (s) => s.registries.gpus }),
});
