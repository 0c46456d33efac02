import { formatPath } from "@aios/contracts";

/**
 * Where things are in a JSON text, in the spec's path notation (`body.spec.values.tags[0]`, the
 * paths the Parser's errors carry). Tolerant: it reads half-typed documents too, so a problem can be
 * named while the text does not parse yet.
 */

type Segment = string | number;
type Frame = { type: "object"; key: string | null } | { type: "array"; index: number };

interface Token {
  kind: "punct" | "string" | "literal";
  text: string;
  start: number;
  end: number;
}

const PUNCT = new Set(["{", "}", "[", "]", ":", ","]);
const SPACE = /\s/;

function* tokens(text: string): Generator<Token> {
  let i = 0;
  while (i < text.length) {
    const c = text[i] as string;
    if (SPACE.test(c)) {
      i++;
    } else if (PUNCT.has(c)) {
      yield { kind: "punct", text: c, start: i, end: i + 1 };
      i++;
    } else if (c === '"') {
      let j = i + 1;
      while (j < text.length && text[j] !== '"' && text[j] !== "\n") j += text[j] === "\\" ? 2 : 1;
      const end = Math.min(j + 1, text.length);
      yield { kind: "string", text: text.slice(i, end), start: i, end };
      i = end;
    } else {
      let j = i + 1;
      while (
        j < text.length &&
        !PUNCT.has(text[j] as string) &&
        text[j] !== '"' &&
        !SPACE.test(text[j] as string)
      )
        j++;
      yield { kind: "literal", text: text.slice(i, j), start: i, end: j };
      i = j;
    }
  }
}

function unquote(token: string): string {
  try {
    return JSON.parse(token.endsWith('"') && token.length > 1 ? token : `${token}"`) as string;
  } catch {
    return token.replace(/^"|"$/g, "");
  }
}

const pathOf = (stack: Frame[]): Segment[] =>
  stack.flatMap((f): Segment[] => (f.type === "array" ? [f.index] : f.key === null ? [] : [f.key]));

/** One step of the scan: keeps `stack` in step with `tok`. */
function step(stack: Frame[], expectKey: boolean[], tok: Token) {
  const top = stack.at(-1);
  if (tok.kind === "punct") {
    switch (tok.text) {
      case "{":
        stack.push({ type: "object", key: null });
        expectKey.push(true);
        return;
      case "[":
        stack.push({ type: "array", index: 0 });
        expectKey.push(false);
        return;
      case "}":
      case "]":
        stack.pop();
        expectKey.pop();
        return;
      case ":":
        expectKey[expectKey.length - 1] = false;
        return;
      case ",":
        if (top?.type === "array") top.index++;
        else if (top?.type === "object") {
          top.key = null;
          expectKey[expectKey.length - 1] = true;
        }
        return;
    }
  }
  if (tok.kind === "string" && top?.type === "object" && expectKey.at(-1)) {
    top.key = unquote(tok.text);
    expectKey[expectKey.length - 1] = false;
  }
}

/** The path of the value (or key) at `offset`; "" for the document itself. */
export function jsonPathAt(text: string, offset: number): string {
  const stack: Frame[] = [];
  const expectKey: boolean[] = [];
  for (const tok of tokens(text)) {
    if (tok.start > offset) break;
    // A bracket closing at the offset still belongs to its value, whose path is the parent's.
    if (tok.start === offset && (tok.text === "}" || tok.text === "]")) break;
    step(stack, expectKey, tok);
    if (tok.end > offset) break;
  }
  return formatPath(pathOf(stack));
}

/**
 * Offset of the field `path` names (its key in an object, its first character in an array); for a
 * path that is not in the text (a missing required field), the nearest ancestor that is.
 */
export function offsetOfPath(text: string, path: string): number | null {
  const found = new Map<string, number>([["", 0]]);
  const stack: Frame[] = [];
  const expectKey: boolean[] = [];
  for (const tok of tokens(text)) {
    const top = stack.at(-1);
    const startsElement =
      top?.type === "array" && (tok.kind !== "punct" || tok.text === "{" || tok.text === "[");
    const isKey = tok.kind === "string" && top?.type === "object" && expectKey.at(-1) === true;
    step(stack, expectKey, tok);
    if (startsElement || isKey) {
      // An element's own bracket was just pushed: its path is the one before that frame.
      const at = formatPath(pathOf(startsElement && tok.kind === "punct" ? stack.slice(0, -1) : stack));
      if (!found.has(at)) found.set(at, tok.start);
    }
  }
  for (let p = path; ; p = parentPath(p)) {
    const offset = found.get(p);
    if (offset !== undefined) return offset;
    if (p === "") return null;
  }
}

/** `a.b[2]` → `a.b`; `a["x.y"]` → `a`; `a` → "". */
export function parentPath(path: string): string {
  const m = /(\.[^.[\]]+|\[(?:\d+|"(?:\\.|[^"\\])*")\])$/.exec(path);
  return m ? path.slice(0, m.index) : "";
}
