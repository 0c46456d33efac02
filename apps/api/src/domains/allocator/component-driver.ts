import { nodeDriverOf } from "@aios/contracts";
import type { Db } from "@aios/db";
import { UserError } from "../../errors";
import { asObject } from "../registry/doc";

/**
 * True when a component runs only from its container image (`containerRegistryInfo.containerImage`,
 * no `runtime.entry`): only nodes whose agent runs the kubernetes driver can run its instances. A
 * component with both runs anywhere (its entry on process nodes).
 */
export function runsOnlyFromImage(componentDoc: unknown): boolean {
  const doc = asObject(componentDoc);
  const entry = asObject(doc.runtime).entry;
  const image = asObject(doc.containerRegistryInfo).containerImage;
  return !(typeof entry === "string" && entry !== "") && typeof image === "string" && image !== "";
}

/** Whether a node (its stored document) can run instances of a component. */
export function nodeRunsComponent(nodeDoc: unknown, onlyFromImage: boolean): boolean {
  return !onlyFromImage || nodeDriverOf(nodeDoc) === "kubernetes";
}

/** Why a node cannot run an image-only component's instances. */
export const NEEDS_KUBERNETES =
  "the component runs from a container image (containerRegistryInfo.containerImage), which needs the kubernetes driver";

/**
 * `createBlock` of an image-only component: refused (naming `field`) unless the block's cluster has
 * a node whose agent runs the kubernetes driver. Any other component runs on any node.
 */
export async function assertClusterRunsComponent(
  db: Db,
  clusterId: string,
  component: { componentURI: string; doc: unknown },
  field: string,
): Promise<void> {
  if (!runsOnlyFromImage(component.doc)) return;
  const kubernetes = await db.node.findFirst({
    where: { clusterId, doc: { path: ["driver"], equals: "kubernetes" } },
    select: { id: true },
  });
  if (kubernetes) return;
  const nodes = await db.node.count({ where: { clusterId } });
  const cluster =
    nodes === 0
      ? `cluster ${clusterId} has no node yet`
      : `cluster ${clusterId}'s nodes run the process driver`;
  throw UserError.field(field, `component ${component.componentURI}: ${NEEDS_KUBERNETES}, and ${cluster}`);
}
