"use client";

import { PolicyEditorLoader } from "@/components/policies/policy-editor-loader";
import { StoredPolicy } from "@/components/policies/stored-policy";
import { useRouteParam } from "@/hooks/use-route-param";

/** The policy editor on a stored version; saving creates a new version and opens it here. */
export default function EditPolicyPage() {
  const policyRuleURI = useRouteParam("uri");
  return (
    <StoredPolicy policyRuleURI={policyRuleURI}>
      {(policy) => <PolicyEditorLoader key={policy.policyRuleURI} source={{ mode: "edit", policy }} />}
    </StoredPolicy>
  );
}
