/**
 * The few lines of source-map v3 a sandbox needs: decode esbuild's `mappings` and map one
 * generated position back to the policy's TypeScript. Written here because no mapping library is
 * a declared dependency (and @jridgewell/trace-mapping only sits in node_modules by accident).
 */

export interface OriginalPosition {
  source: string;
  /** 1-based */
  line: number;
  /** 1-based */
  column: number;
}

interface RawSourceMap {
  sources: string[];
  mappings: string;
}

/** [generatedColumn, sourceIndex, sourceLine, sourceColumn], all 0-based, per generated line. */
type Segment = [number, number, number, number];

export interface DecodedSourceMap {
  sources: string[];
  lines: Segment[][];
}

const BASE64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const DIGIT = new Int8Array(128).fill(-1);
for (let i = 0; i < BASE64.length; i++) DIGIT[BASE64.charCodeAt(i)] = i;

export function decodeSourceMap(json: string): DecodedSourceMap {
  const raw = JSON.parse(json) as RawSourceMap;
  const lines: Segment[][] = [];
  // The source fields are deltas that carry over across lines; only the column resets per line.
  let source = 0;
  let sourceLine = 0;
  let sourceColumn = 0;
  for (const line of raw.mappings.split(";")) {
    const segments: Segment[] = [];
    let column = 0;
    for (const text of line.split(",")) {
      if (text === "") continue;
      const fields = decodeVlq(text);
      column += fields[0] ?? 0;
      // 1-field segments map to nothing; keep them out so lookups fall back to the previous one.
      if (fields.length < 4) continue;
      source += fields[1] ?? 0;
      sourceLine += fields[2] ?? 0;
      sourceColumn += fields[3] ?? 0;
      segments.push([column, source, sourceLine, sourceColumn]);
    }
    lines.push(segments);
  }
  return { sources: raw.sources, lines };
}

function decodeVlq(text: string): number[] {
  const out: number[] = [];
  let value = 0;
  let shift = 0;
  for (let i = 0; i < text.length; i++) {
    const digit = DIGIT[text.charCodeAt(i)] ?? -1;
    if (digit < 0) throw new Error(`bad VLQ character in source map: ${text[i]}`);
    value += (digit & 31) << shift;
    if (digit & 32) {
      shift += 5;
      continue;
    }
    out.push(value & 1 ? -(value >>> 1) : value >>> 1);
    value = 0;
    shift = 0;
  }
  return out;
}

/** `line` and `column` 1-based (as V8 prints them); the closest segment at or before the column. */
export function originalPositionFor(
  map: DecodedSourceMap,
  line: number,
  column: number,
): OriginalPosition | undefined {
  const segments = map.lines[line - 1];
  if (!segments || segments.length === 0) return undefined;
  let best: Segment | undefined;
  for (const s of segments) {
    if (s[0] > column - 1) break;
    best = s;
  }
  best ??= segments[0];
  if (!best) return undefined;
  const source = map.sources[best[1]];
  return source === undefined ? undefined : { source, line: best[2] + 1, column: best[3] + 1 };
}
