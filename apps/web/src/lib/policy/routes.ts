import type { TPolicyKind } from "@aios/contracts";
import { routes } from "@/lib/routes";

/** The policy editor's pages (policy URIs contain ':' and are URI-encoded). */
export const policyRoutes = {
  detail: routes.policy,
  edit: (uri: string) => `${routes.policy(uri)}/edit`,
  /** Compares `original` (default: the version before `uri`) with `uri`. */
  diff: (uri: string, original?: string) =>
    `${routes.policy(uri)}/diff${original ? `?original=${encodeURIComponent(original)}` : ""}`,
  create: (kind?: TPolicyKind) => `/policies/new${kind ? `?kind=${kind}` : ""}`,
};
