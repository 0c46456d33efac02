import type { TPolicySource } from "@aios/contracts";
import type { ApiClient } from "./api-client";

/**
 * Execution type 1 outside the management plane: resolves a policy URI to its code, kind and
 * defaults through the API, for `createPolicyHost` of `@aios/policy-runtime`:
 *
 *     const host = createPolicyHost({ resolve: policySourceResolver(api) });
 *     const lb = await host.load("least-loaded:1.0.0-stable", { settings: { ... } });
 *
 * Each URI is fetched once (versions are immutable); a failed fetch is not kept.
 */
export function policySourceResolver(api: ApiClient): (uri: string) => Promise<TPolicySource> {
  const fetched = new Map<string, Promise<TPolicySource>>();
  return (uri) => {
    let source = fetched.get(uri);
    if (!source) {
      source = api.policies.source.query({ policyRuleURI: uri });
      fetched.set(uri, source);
      source.catch(() => fetched.delete(uri));
    }
    return source;
  };
}
