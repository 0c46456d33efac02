import { ZVdagControllerRecord } from "@aios/contracts";
import { router } from "../../trpc";
import { rowReadProcedures } from "../registry/procedures";

/** The controllers serving vDAGs, across vDAGs (one vDAG's: `vdags.controllers`). */
export const vdagControllersRouter = router({
  ...rowReadProcedures({
    record: ZVdagControllerRecord,
    key: "id",
    reader: (s) => s.registries.vdagControllers,
  }),
});
