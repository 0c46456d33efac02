import type { TVdagQuotaChanges, TVdagQuotaPolicyState, TVdagQuotaState } from "@aios/contracts";
import type { Logger } from "@aios/service-kit";
import type { ControllerPolicy } from "./policies";
import type { QuotaTable } from "./quota";

/** The management command a quota policy answers with `{state}` to have its own state kept. */
export const SAVE_STATE = "aios.saveState";
/** The management command that hands a policy its saved state back (`data`: that state). */
export const RESTORE_STATE = "aios.restoreState";

/**
 * The quota's handover to the store the agent keeps in the API: `changes()` drains what changed
 * (counts, and the quota policy's own state when it keeps one, such as its windows and limits set by
 * management), `restore()` gives a controller started again what was stored. A policy that does not
 * answer `aios.saveState` with `{state}` keeps nothing but the controller's counts.
 */
export function createQuotaHandover(deps: {
  quota: QuotaTable;
  policy: () => ControllerPolicy | undefined;
  log: Logger;
}) {
  const { quota, log } = deps;
  const stateless = new WeakSet<ControllerPolicy>();
  /** The policy state last handed over or restored (JSON): only a change is sent again. */
  let lastSaved: string | undefined;
  let restoring = false;

  async function savedPolicyState(): Promise<TVdagQuotaPolicyState | undefined> {
    const policy = deps.policy();
    if (!policy || stateless.has(policy)) return undefined;
    const r = await policy.management(SAVE_STATE, null);
    const value = r.ok ? r.value : undefined;
    if (value === null || typeof value !== "object" || !("state" in value)) {
      stateless.add(policy);
      return undefined;
    }
    const saved: TVdagQuotaPolicyState = { key: policy.key, state: (value as { state: unknown }).state };
    const text = JSON.stringify(saved);
    if (text === lastSaved) return undefined;
    lastSaved = text;
    return saved;
  }

  return {
    /** What changed since the last call (null: nothing); nothing while the counts are not restored. */
    async changes(): Promise<TVdagQuotaChanges | null> {
      if (quota.restoring) return null;
      const policy = await savedPolicyState();
      const counts = quota.drain();
      if (!counts && !policy) return null;
      return {
        ...(counts ?? { version: ++quota.version, total: quota.total, sessions: [] }),
        ...(policy ? { policy } : {}),
      };
    },

    /**
     * Takes the stored quota, once, while the controller waits for it (the policy's state first, so
     * no request meets a policy that has not got it yet): false when it had its counts already.
     */
    async restore(state: TVdagQuotaState): Promise<boolean> {
      if (!quota.restoring || restoring) return false;
      restoring = true;
      try {
        const policy = deps.policy();
        if (state.policy && policy && state.policy.key === policy.key) {
          const r = await policy.management(RESTORE_STATE, state.policy.state);
          if (r.ok) lastSaved = JSON.stringify(state.policy);
          else log.warn("the quota policy did not take its saved state", { err: r.message });
        }
        return quota.restore(state);
      } finally {
        restoring = false;
      }
    },
  };
}

export type QuotaHandover = ReturnType<typeof createQuotaHandover>;
