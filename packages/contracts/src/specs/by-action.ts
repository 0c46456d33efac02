import { z } from "zod";
import { ZBlockSpec } from "./block";
import { ZClusterSpec } from "./cluster";
import { ZComponentSpec } from "./component";
import { ZMgmtCommandSpec } from "./mgmt-command";
import { ZAddNodeSpec } from "./node";
import { ZPolicyRuleSpec } from "./policy";
import { ZVdagSpec } from "./vdag";

export const SPEC_ACTIONS = [
  "registerComponent",
  "createCluster",
  "addNode",
  "createBlock",
  "createvDAG",
  "createPolicy",
  "executeMgmtCommand",
] as const;
export const ZSpecAction = z.enum(SPEC_ACTIONS);
export type TSpecAction = z.infer<typeof ZSpecAction>;

/** The schema of `body.spec.values` for each action. */
export const SPEC_VALUE_SCHEMAS = {
  registerComponent: ZComponentSpec,
  createCluster: ZClusterSpec,
  addNode: ZAddNodeSpec,
  createBlock: ZBlockSpec,
  createvDAG: ZVdagSpec,
  createPolicy: ZPolicyRuleSpec,
  executeMgmtCommand: ZMgmtCommandSpec,
} as const satisfies Record<TSpecAction, z.ZodType>;

export type TSpecValuesByAction = { [A in TSpecAction]: z.output<(typeof SPEC_VALUE_SCHEMAS)[A]> };
/** What a document author may write (defaults omitted, aliases such as `third-party` allowed). */
export type TSpecInputByAction = { [A in TSpecAction]: z.input<(typeof SPEC_VALUE_SCHEMAS)[A]> };
