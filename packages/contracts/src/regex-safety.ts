/**
 * Whether a JSON Schema `pattern` is safe to run in the management plane's own process on values
 * callers send. JavaScript regular expressions backtrack: a quantified group that itself contains
 * an unbounded quantifier, like `(a+)+$`, takes exponential time on a near-miss, and so can a
 * backreference. Those are refused (the "star height" rule of safe-regex checkers); everything else
 * runs in time polynomial in the input at worst.
 *
 * Returns the reason a pattern is refused, or null.
 */
export function unsafePatternReason(pattern: string): string | null {
  if (pattern.length > 1000) return "is longer than 1000 characters";
  // Per open group: does its content hold an unbounded quantifier?
  const groups: boolean[] = [];
  let unboundedInside = false; // at the current depth, since its group opened
  let lastAtomWasGroupWithUnbounded = false;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === "\\") {
      const next = pattern[i + 1] ?? "";
      if (/[1-9]/.test(next) || (next === "k" && pattern[i + 2] === "<"))
        return "uses a backreference, which can take exponential time";
      i++;
      lastAtomWasGroupWithUnbounded = false;
      continue;
    }
    if (c === "[") {
      // A character class is one atom: skip to its unescaped closing bracket.
      for (i++; i < pattern.length && pattern[i] !== "]"; i++) if (pattern[i] === "\\") i++;
      lastAtomWasGroupWithUnbounded = false;
      continue;
    }
    if (c === "(") {
      groups.push(unboundedInside);
      unboundedInside = false;
      lastAtomWasGroupWithUnbounded = false;
      continue;
    }
    if (c === ")") {
      const inner: boolean = unboundedInside;
      unboundedInside = (groups.pop() ?? false) || inner;
      lastAtomWasGroupWithUnbounded = inner;
      continue;
    }
    const unbounded = c === "*" || c === "+" || (c === "{" && /^\{\d*,\}/.test(pattern.slice(i)));
    const bounded = c === "?" || (c === "{" && /^\{\d+(,\d+)?\}/.test(pattern.slice(i)));
    if (unbounded || bounded) {
      if (unbounded && lastAtomWasGroupWithUnbounded)
        return "nests unbounded quantifiers, as in (a+)+, which can take exponential time";
      if (unbounded) unboundedInside = true;
      if (c === "{") i = pattern.indexOf("}", i);
      // A lazy or possessive mark belongs to the quantifier.
      if (pattern[i + 1] === "?") i++;
      lastAtomWasGroupWithUnbounded = false;
      continue;
    }
    lastAtomWasGroupWithUnbounded = false;
  }
  return null;
}
