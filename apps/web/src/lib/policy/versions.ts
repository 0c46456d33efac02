/**
 * Policy versions (`VERSION_RE` of @aios/contracts: `1`, `1.0`, `1.0.0`, optionally `.rc1` or `+build`)
 * as the editor compares them and suggests the next one.
 */

/** The numeric part, padded to major.minor.patch (`1.2.rc1` -> [1, 2, 0]). */
function numbers(version: string): [number, number, number] {
  const parts = /^(\d+)(?:\.(\d+))?(?:\.(\d+))?/.exec(version.trim());
  if (!parts) return [0, 0, 0];
  return [Number(parts[1] ?? 0), Number(parts[2] ?? 0), Number(parts[3] ?? 0)];
}

/** Orders versions numerically (1.0.10 after 1.0.9); equal numbers fall back to the text. */
export function compareVersions(a: string, b: string): number {
  const x = numbers(a);
  const y = numbers(b);
  for (let i = 0; i < 3; i++) {
    const d = (x[i] ?? 0) - (y[i] ?? 0);
    if (d !== 0) return d;
  }
  return a.localeCompare(b);
}

/** `1.0.0` -> `1.0.1`; `2` -> `2.0.1`; a suffix is dropped (`1.0.0.rc1` -> `1.0.1`). */
export function nextPatchVersion(version: string): string {
  const [major, minor, patch] = numbers(version);
  return `${major}.${minor}.${patch + 1}`;
}

/**
 * The version to suggest when saving a new version of `current`: the next patch after the highest
 * version of the policy so far, so that the suggestion is never taken already.
 */
export function suggestNextVersion(current: string, existing: readonly string[] = []): string {
  const highest = [current, ...existing].reduce((a, b) => (compareVersions(a, b) >= 0 ? a : b));
  let next = nextPatchVersion(highest);
  while (existing.includes(next)) next = nextPatchVersion(next);
  return next;
}

/**
 * The pair a diff of `uri` shows first, given the versions newest first: the version before it
 * against it; for the oldest, it against the one after it (the newer side is always "modified").
 */
export function defaultDiffPair(
  newestFirst: readonly string[],
  uri: string,
): { original: string; modified: string } {
  const i = newestFirst.indexOf(uri);
  if (i === -1) return { original: uri, modified: uri };
  const older = newestFirst[i + 1];
  if (older !== undefined) return { original: older, modified: uri };
  return { original: uri, modified: newestFirst[i - 1] ?? uri };
}
