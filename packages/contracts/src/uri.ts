import { z } from "zod";

/**
 * URIs of the original system (reference §1.2):
 * - component: `<componentType>.<name>:<version>-<releaseTag>`, e.g. `model.object-detector:2.0.0-stable`
 * - policy rule, vDAG, spec/template: `<name>:<version>-<releaseTag>`, name may contain dots.
 * The release tag follows the LAST `-` after the colon, so versions cannot contain `-`
 * (a pre-release is written `2.0.0.rc1` or `2.0.0+rc1`, not `2.0.0-rc1`).
 */
export const COMPONENT_TYPE_RE = /^[A-Za-z][A-Za-z0-9_-]*$/;
export const COMPONENT_NAME_RE = /^[A-Za-z0-9][A-Za-z0-9_-]*$/;
export const DOTTED_NAME_RE = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
export const VERSION_RE = /^\d+(\.\d+){0,2}([.+~][0-9A-Za-z]+(\.[0-9A-Za-z]+)*)?$/;
export const RELEASE_TAG_RE = /^[A-Za-z0-9][A-Za-z0-9_.]*$/;

export const VERSION_HINT = "digits like 1, 1.0 or 1.0.0, optionally followed by .rc1 or +build (no '-')";
export const RELEASE_TAG_HINT = "letters, digits, '_' or '.' (e.g. stable, beta)";

export type TUriResult<T> = { ok: true; value: T } | { ok: false; error: string };

export type TVersionedName = { name: string; version: string; releaseTag: string };
export type TComponentUri = TVersionedName & { componentType: string };
export type TPolicyRuleUri = TVersionedName;
export type TVdagUri = TVersionedName;

function fail<T>(uri: string, reason: string): TUriResult<T> {
  return { ok: false, error: `invalid URI ${JSON.stringify(uri)}: ${reason}` };
}

/** Splits `<head>:<version>-<releaseTag>` and validates version and tag; `head` is checked by the caller. */
function splitVersioned(
  uri: string,
  shape: string,
): TUriResult<{ head: string; version: string; releaseTag: string }> {
  const colon = uri.indexOf(":");
  if (colon < 0) return fail(uri, `missing ':' before the version (expected ${shape})`);
  if (uri.indexOf(":", colon + 1) >= 0) return fail(uri, `more than one ':' (expected ${shape})`);
  const head = uri.slice(0, colon);
  const rest = uri.slice(colon + 1);
  const dash = rest.lastIndexOf("-");
  if (dash < 0) return fail(uri, `missing '-<releaseTag>' after the version (expected ${shape})`);
  const version = rest.slice(0, dash);
  const releaseTag = rest.slice(dash + 1);
  if (!VERSION_RE.test(version))
    return fail(uri, `version ${JSON.stringify(version)} must be ${VERSION_HINT}`);
  if (!RELEASE_TAG_RE.test(releaseTag)) {
    return fail(uri, `release tag ${JSON.stringify(releaseTag)} must be ${RELEASE_TAG_HINT}`);
  }
  return { ok: true, value: { head, version, releaseTag } };
}

export function parseComponentUri(uri: string): TUriResult<TComponentUri> {
  const shape = "<componentType>.<name>:<version>-<releaseTag>";
  const split = splitVersioned(uri, shape);
  if (!split.ok) return split;
  const { head, version, releaseTag } = split.value;
  const dot = head.indexOf(".");
  if (dot < 0) return fail(uri, `missing '.' between componentType and name (expected ${shape})`);
  const componentType = head.slice(0, dot);
  const name = head.slice(dot + 1);
  if (!COMPONENT_TYPE_RE.test(componentType)) {
    return fail(
      uri,
      `componentType ${JSON.stringify(componentType)} must start with a letter and contain only letters, digits, '-' or '_'`,
    );
  }
  if (!COMPONENT_NAME_RE.test(name)) {
    return fail(uri, `name ${JSON.stringify(name)} must contain only letters, digits, '-' or '_' (no dots)`);
  }
  return { ok: true, value: { componentType, name, version, releaseTag } };
}

export function formatComponentUri(u: TComponentUri): string {
  return `${u.componentType}.${u.name}:${u.version}-${u.releaseTag}`;
}

function parseNamed(uri: string, what: string): TUriResult<TVersionedName> {
  const split = splitVersioned(uri, `<${what}>:<version>-<releaseTag>`);
  if (!split.ok) return split;
  const { head: name, version, releaseTag } = split.value;
  if (!DOTTED_NAME_RE.test(name)) {
    return fail(
      uri,
      `${what} ${JSON.stringify(name)} must start with a letter or digit and contain only letters, digits, '.', '-' or '_'`,
    );
  }
  return { ok: true, value: { name, version, releaseTag } };
}

const formatNamed = (u: TVersionedName): string => `${u.name}:${u.version}-${u.releaseTag}`;

export const parsePolicyRuleUri = (uri: string): TUriResult<TPolicyRuleUri> => parseNamed(uri, "name");
export const formatPolicyRuleUri: (u: TPolicyRuleUri) => string = formatNamed;
export const parseVdagUri = (uri: string): TUriResult<TVdagUri> => parseNamed(uri, "vdagName");
export const formatVdagUri: (u: TVdagUri) => string = formatNamed;
/** Spec, template, asset and graph URIs share the policy-rule shape. */
export const parseVersionedUri = (uri: string): TUriResult<TVersionedName> => parseNamed(uri, "name");

function uriSchema(parse: (uri: string) => TUriResult<unknown>) {
  return z.string().superRefine((value, ctx) => {
    const result = parse(value);
    if (!result.ok) ctx.addIssue({ code: "custom", message: result.error, input: value });
  });
}

export const ZComponentUri = uriSchema(parseComponentUri);
export const ZPolicyRuleUri = uriSchema(parsePolicyRuleUri);
export const ZVdagUri = uriSchema(parseVdagUri);
