"use client";

import { POLICY_KINDS, type TPolicyKind } from "@aios/contracts";
import { useSearchParams } from "next/navigation";
import { Suspense, useState } from "react";
import { PolicyEditorLoader, PolicyEditorSkeleton } from "@/components/policies/policy-editor-loader";

const isKind = (k: string | null): k is TPolicyKind =>
  (POLICY_KINDS as readonly (string | null)[]).includes(k);

/** `?kind=` picks the template to start from (default: a general-purpose function). */
function NewPolicy() {
  const kind = useSearchParams().get("kind");
  // The editor owns the kind from here on (its picker rewrites the URL).
  const [initial] = useState<TPolicyKind>(isKind(kind) ? kind : "function");
  return <PolicyEditorLoader source={{ mode: "new", kind: initial }} />;
}

export default function NewPolicyPage() {
  return (
    <Suspense fallback={<PolicyEditorSkeleton />}>
      <NewPolicy />
    </Suspense>
  );
}
