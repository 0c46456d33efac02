import { z } from "zod";
import { DNS_LABEL_RE } from "./ids";
import { ZJsonObject, ZTags } from "./specs/common";

/** The longest registry id: its image pull Secret `aios-registry-<id>` stays a DNS label. */
export const MAX_CONTAINER_REGISTRY_ID = 49;

/** What a component's `containerRegistryInfo.containerRegistryId` names. */
export const ZContainerRegistryId = z
  .string()
  .max(MAX_CONTAINER_REGISTRY_ID, { error: `must be at most ${MAX_CONTAINER_REGISTRY_ID} characters` })
  .regex(DNS_LABEL_RE, {
    error: "must be lowercase letters, digits and '-', starting and ending with a letter or digit",
  });

/** The Secret an agent makes in its namespace for a registry's credentials. */
export const pullSecretNameOf = (containerRegistryId: string) => `aios-registry-${containerRegistryId}`;

/**
 * The registry's address as image references name it: `host[:port]`, with `https://` (the
 * default) or `http://` (a registry without TLS) in front. No path, query or credentials: those
 * go in `username` and `password`. Null with the reason when the text is no such address.
 */
export function registryServerOf(
  url: string,
): { server: string; scheme: "https" | "http" } | { problem: string } {
  const text = url.trim();
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? text : `https://${text}`;
  let parsed: URL;
  try {
    parsed = new URL(withScheme);
  } catch {
    return { problem: `${JSON.stringify(url)} is not a registry address (host[:port], e.g. ghcr.io)` };
  }
  if (parsed.protocol !== "https:" && parsed.protocol !== "http:")
    return { problem: `must use https:// or http://, not ${parsed.protocol}//` };
  if (parsed.username || parsed.password)
    return { problem: "must not hold credentials: give them as username and password" };
  if ((parsed.pathname !== "/" && parsed.pathname !== "") || parsed.search || parsed.hash)
    return { problem: "must be the registry's host[:port] only, with no path, query or fragment" };
  return { server: parsed.host, scheme: parsed.protocol === "http:" ? "http" : "https" };
}

export const ZContainerRegistryUrl = z
  .string()
  .trim()
  .min(1)
  .max(300)
  .superRefine((url, ctx) => {
    const r = registryServerOf(url);
    if ("problem" in r) ctx.addIssue({ code: "custom", message: r.problem });
  });

const ZUsername = z.string().min(1).max(300);
/** A password or access token: kept encrypted, answered by no read. */
const ZPassword = z.string().min(1).max(8192);

/** `containerRegistries.create` (the original's `POST /container_registries`). */
export const ZContainerRegistryCreate = z
  .strictObject({
    containerRegistryId: ZContainerRegistryId,
    url: ZContainerRegistryUrl,
    username: ZUsername.optional(),
    password: ZPassword.optional(),
    metadata: ZJsonObject.optional(),
    tags: ZTags.optional(),
  })
  .superRefine((v, ctx) => {
    if ((v.username === undefined) !== (v.password === undefined))
      ctx.addIssue({
        code: "custom",
        path: [v.username === undefined ? "username" : "password"],
        message: "Required: give both username and password, or neither (anonymous pulls)",
      });
  });
export type TContainerRegistryCreate = z.infer<typeof ZContainerRegistryCreate>;

/**
 * `containerRegistries.update`: what is given changes. `username` and `password` change together;
 * `credentials: null` removes them (anonymous pulls).
 */
export const ZContainerRegistryUpdate = z.strictObject({
  containerRegistryId: ZContainerRegistryId,
  url: ZContainerRegistryUrl.optional(),
  credentials: z.strictObject({ username: ZUsername, password: ZPassword }).nullable().optional(),
  metadata: ZJsonObject.optional(),
  tags: ZTags.optional(),
});
export type TContainerRegistryUpdate = z.infer<typeof ZContainerRegistryUpdate>;

/** A registry as every read answers it: never its password. */
export const ZContainerRegistryRecord = z.object({
  containerRegistryId: z.string(),
  url: z.string(),
  /** `host[:port]`, as image references and Docker's config name it. */
  server: z.string(),
  username: z.string().nullable(),
  hasCredentials: z.boolean(),
  metadata: ZJsonObject,
  tags: z.array(z.string()),
  createdBy: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type TContainerRegistryRecord = z.infer<typeof ZContainerRegistryRecord>;

/**
 * What an agent needs to pull a component's image: the Secret to make (or keep) in its namespace
 * and what goes in it; no credentials for an anonymous registry (no Secret then).
 */
export const ZImagePull = z.object({
  containerRegistryId: z.string(),
  server: z.string(),
  secretName: z.string(),
  credentials: z.object({ username: z.string(), password: z.string() }).nullable(),
});
export type TImagePull = z.infer<typeof ZImagePull>;
