/**
 * Where the editor drew each node, kept in the browser (localStorage, per vDAG name) rather than in
 * the spec, so the JSON view stays exactly the `createvDAG` document.
 */
import type { XY } from "./layout";

const key = (vdagName: string) => `aios.vdag-editor.positions.${vdagName}`;

export function loadPositions(vdagName: string): Record<string, XY> {
  try {
    const raw = window.localStorage.getItem(key(vdagName));
    const parsed: unknown = raw ? JSON.parse(raw) : null;
    if (typeof parsed !== "object" || parsed === null) return {};
    const out: Record<string, XY> = {};
    for (const [label, p] of Object.entries(parsed as Record<string, unknown>)) {
      const { x, y } = (p ?? {}) as { x?: unknown; y?: unknown };
      if (typeof x === "number" && typeof y === "number") out[label] = { x, y };
    }
    return out;
  } catch {
    return {};
  }
}

export function savePositions(vdagName: string, positions: Record<string, XY>): void {
  try {
    window.localStorage.setItem(key(vdagName), JSON.stringify(positions));
  } catch {
    // Private mode or a full quota: positions are a convenience, the spec is unaffected.
  }
}
