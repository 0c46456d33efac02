"use client";

import { useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { type ApplyOutcome, SpecEditor } from "@/components/json-editor/spec-editor";
import { templateText } from "@/components/json-editor/templates";
import { buttonVariants } from "@/components/ui/button";
import { routes } from "@/lib/routes";
import { useTRPC } from "@/trpc/react";

/** A registerComponent document in the spec editor; once applied, the component's page. */
export function RegisterComponent() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const router = useRouter();
  const onApplied = async (outcome: ApplyOutcome) => {
    await queryClient.invalidateQueries({ queryKey: trpc.components.pathKey() });
    router.push(routes.component(outcome.target));
  };
  return (
    <SpecEditor
      action="registerComponent"
      initialText={templateText("registerComponent")}
      title="registerComponent document"
      description="The component's identity, how it runs, its defaults and protocols."
      applyLabel="Register component"
      onApplied={onApplied}
      footer={
        <Link href="/components" className={buttonVariants({ variant: "ghost" })}>
          Cancel
        </Link>
      }
    />
  );
}
