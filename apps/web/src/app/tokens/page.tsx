"use client";

import { KeyRound } from "lucide-react";
import { Page, PageHeading } from "@/components/layout/page";
import { RegistryListPage } from "@/components/registry/registry-list-page";
import { usePrincipal } from "@/components/session/use-principal";
import { CreateToken } from "@/components/tokens/create-token";
import { TOKEN_TABLE } from "@/components/tokens/token-table";
import { EmptyState } from "@/components/ui/empty-state";
import { CLI } from "@/lib/cli";
import { roleGate } from "@/lib/session/role-gate";
import { useTRPC } from "@/trpc/react";

const TITLE = "Tokens";
const DESCRIPTION = "API tokens: who may call the API, with which role, until when. Admins only.";

export default function TokensPage() {
  const who = usePrincipal();
  const gate = roleGate(who.isSuccess ? who.data.principal : undefined, "admin");
  // A non-admin is told so instead of being sent the API's refusal.
  if (!who.isSuccess || gate.disabled) {
    return (
      <Page>
        <PageHeading title={TITLE} subtitle={DESCRIPTION} />
        {gate.reason ? (
          <EmptyState icon={KeyRound} title="Tokens are for admins" description={gate.reason} />
        ) : null}
      </Page>
    );
  }
  return <TokenList />;
}

function TokenList() {
  const trpc = useTRPC();
  return (
    <RegistryListPage
      title={TITLE}
      description={DESCRIPTION}
      listTitle="All tokens"
      noun="token"
      queryOptions={trpc.tokens.list.queryOptions({ limit: 1000 })}
      table={TOKEN_TABLE}
      empty={{
        icon: KeyRound,
        title: "No tokens yet",
        description: "Create one below, or with the CLI:",
        command: CLI.createToken,
      }}
    >
      <CreateToken />
    </RegistryListPage>
  );
}
