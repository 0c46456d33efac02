import type { CompiledPolicy } from "../compile";
import { PolicyError } from "../errors";
import { type DecodedSourceMap, decodeSourceMap, originalPositionFor } from "../source-map";
import type { SandboxFault } from "./isolate-session";
import { PRELUDE_FILENAME } from "./prelude";

// Decoded lazily (only errors need it) and once per compiled policy.
const decoded = new WeakMap<CompiledPolicy, DecodedSourceMap>();

function mapOf(compiled: CompiledPolicy): DecodedSourceMap {
  let map = decoded.get(compiled);
  if (!map) {
    map = decodeSourceMap(compiled.sourceMap);
    decoded.set(compiled, map);
  }
  return map;
}

/** Name of the compiled script inside the isolate; stack frames carrying it are the policy's. */
export const scriptNameOf = (compiled: CompiledPolicy) => `policy-${compiled.hash.slice(0, 16)}.js`;

/**
 * Turns what the sandbox reported into a PolicyError whose line, column and stack point into the
 * policy's own TypeScript; frames of the sandbox prelude and of the host are left out.
 */
export function toPolicyError(fault: SandboxFault, compiled: CompiledPolicy): PolicyError {
  if (fault.kind !== "runtime" || !fault.stack) {
    const text = fault.kind === "runtime" ? `${fault.name}: ${fault.message}` : fault.message;
    return new PolicyError(fault.kind, text);
  }
  const script = scriptNameOf(compiled);
  const frame = new RegExp(`${script.replace(/\./g, "\\.")}:(\\d+):(\\d+)`);
  let first: { line: number; column: number } | undefined;
  const kept: string[] = [];
  for (const line of fault.stack.split("\n")) {
    if (line.includes("<isolated-vm boundary>")) break;
    if (line.includes(PRELUDE_FILENAME)) continue;
    const m = frame.exec(line);
    if (!m) {
      if (!/^\s+at /.test(line)) kept.push(line);
      continue;
    }
    const pos = originalPositionFor(mapOf(compiled), Number(m[1]), Number(m[2]));
    if (!pos) continue;
    const source = pos.source === "<stdin>" ? compiled.filename : pos.source;
    if (!first && source === compiled.filename) first = { line: pos.line, column: pos.column };
    kept.push(line.replace(frame, `${source}:${pos.line}:${pos.column}`));
  }
  const at = first ? ` (${compiled.filename}:${first.line}:${first.column})` : "";
  return new PolicyError("runtime", `${fault.name}: ${fault.message}${at}`, {
    ...(first ?? {}),
    policyStack: kept.join("\n"),
  });
}
