import type { Db, Prisma } from "@aios/db";
import { ConflictError, NotFoundError } from "../../errors";
import { assertClusterRunsComponent } from "../allocator/component-driver";
import { asObject } from "../registry/doc";

type BlockRow = Prisma.BlockGetPayload<object>;

export interface SetComponentDeps {
  db: Db;
  /** The block's row (a removed or unknown block: not found). */
  row: (id: string) => Promise<BlockRow>;
  /** Changes the block's desired state, places it again and tells its nodes (block-lifecycle.service.ts). */
  bump: (
    id: string,
    data: Prisma.BlockUpdateInput,
    reason: string,
    patchDoc?: (doc: Record<string, unknown>) => Record<string, unknown>,
  ) => Promise<void>;
}

/**
 * Runs the block on another component (a new version of its code): its nodes replace its
 * instances one at a time, each started on the new code before the next stops, while the
 * executor holds tasks for a moment when none is healthy; nothing else of the block changes.
 */
export async function setBlockComponent(
  deps: SetComponentDeps,
  id: string,
  componentURI: string,
): Promise<{ changed: boolean; from: string }> {
  const r = await deps.row(id);
  if (r.status === "removing") throw new ConflictError(`block ${id} is being removed`);
  if (r.componentURI === componentURI) return { changed: false, from: r.componentURI };
  const component = await deps.db.component.findUnique({ where: { componentURI } });
  if (!component) throw new NotFoundError("component", componentURI, "componentURI");
  if (r.clusterId) await assertClusterRunsComponent(deps.db, r.clusterId, component, "componentURI");
  await deps.bump(
    id,
    { component: { connect: { componentURI } } },
    `component set to ${componentURI} (was ${r.componentURI})`,
    (doc) => ({
      ...doc,
      componentUri: componentURI,
      blockComponentURI: componentURI,
      spec: { ...asObject(doc.spec), blockComponentURI: componentURI },
    }),
  );
  return { changed: true, from: r.componentURI };
}
