import type { TContainerRegistryCreate } from "@aios/contracts";

/** The Add form's fields, as typed. */
export interface RegistryForm {
  containerRegistryId: string;
  url: string;
  username: string;
  password: string;
  tags: string;
}

/** The fields the API's refusals are shown under (the last segment of an issue's path). */
export const REGISTRY_FIELDS = ["containerRegistryId", "url", "username", "password", "tags"] as const;

/**
 * The `containerRegistries.create` input of the form. Empty username and password are left out
 * (an anonymous registry); one without the other is sent as typed, so the API names the missing
 * one. The password is sent exactly as typed: spaces may be part of it.
 */
export function registryCreateOf(form: RegistryForm): TContainerRegistryCreate {
  const username = form.username.trim();
  const tags = form.tags.split(/[\s,]+/).filter((t) => t !== "");
  return {
    containerRegistryId: form.containerRegistryId.trim(),
    url: form.url.trim(),
    ...(username ? { username } : {}),
    ...(form.password ? { password: form.password } : {}),
    ...(tags.length ? { tags } : {}),
  };
}
