"use client";

import { RegisterComponent } from "@/components/components/register-component";
import { Page, PageHeading } from "@/components/layout/page";
import { BackLink } from "@/components/ui/back-link";

export default function RegisterComponentPage() {
  return (
    <Page>
      <BackLink href="/components" label="Components" />
      <PageHeading
        title="Register component"
        subtitle="Add a component spec to the registry; blocks can then be created from it."
      />
      <RegisterComponent />
    </Page>
  );
}
