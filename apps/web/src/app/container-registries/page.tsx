"use client";

import { Container } from "lucide-react";
import { AddContainerRegistry } from "@/components/container-registries/add-registry";
import { CONTAINER_REGISTRY_TABLE } from "@/components/container-registries/registry-table";
import { RegistryListPage } from "@/components/registry/registry-list-page";
import { CLI } from "@/lib/cli";
import { useTRPC } from "@/trpc/react";

export default function ContainerRegistriesPage() {
  const trpc = useTRPC();
  return (
    <RegistryListPage
      title="Container registries"
      description="Where components' images are pulled from, and with which credentials. Everyone reads them, never a password; admins add and remove them."
      listTitle="Registries"
      noun="registry"
      countLabel={(n) => `${n} ${n === 1 ? "registry" : "registries"}`}
      pageQuery={(page) => trpc.containerRegistries.list.queryOptions(page)}
      table={CONTAINER_REGISTRY_TABLE}
      empty={{
        icon: Container,
        title: "No container registries",
        description: "Add one below, or with the CLI (the password read from a variable, never typed):",
        command: CLI.addContainerRegistry,
      }}
    >
      <AddContainerRegistry />
    </RegistryListPage>
  );
}
