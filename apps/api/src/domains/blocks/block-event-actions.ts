import { asObject } from "../registry/doc";

/**
 * What a block's event policy may ask for in its output, done through the same services (and so
 * the same gateway pre-checks, `scale_block` and `block_mgmt`, and the block's bounds) as a user's
 * command, acting as the system:
 *
 *   { scale: n }                                         the block's desired instance count
 *   { mgmtCommand: { action, data?, instanceId? } }      a management command to its instances
 */
export interface BlockEventActions {
  scale(blockId: string, instances: number): Promise<unknown>;
  mgmt(blockId: string, instanceId: string | undefined, action: string, data: unknown): Promise<unknown>;
}

/** What was done (or why not); null when the output asked for nothing. */
export async function actOnEventOutput(
  actions: BlockEventActions,
  blockId: string,
  output: unknown,
): Promise<Record<string, unknown> | null> {
  const o = asObject(output);
  if (typeof o.scale === "number") {
    const instances = o.scale;
    try {
      await actions.scale(blockId, instances);
      return { scale: instances, ok: true };
    } catch (err) {
      return { scale: instances, ok: false, error: (err as Error).message };
    }
  }
  const cmd = asObject(o.mgmtCommand);
  if (typeof cmd.action === "string" && cmd.action !== "") {
    const instanceId = typeof cmd.instanceId === "string" ? cmd.instanceId : undefined;
    try {
      const reply = await actions.mgmt(blockId, instanceId, cmd.action, cmd.data);
      return { mgmtCommand: cmd.action, ok: true, reply };
    } catch (err) {
      return { mgmtCommand: cmd.action, ok: false, error: (err as Error).message };
    }
  }
  return null;
}
