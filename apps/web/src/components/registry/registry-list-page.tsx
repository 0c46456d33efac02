"use client";

import { type QueryKey, type UseQueryOptions, useQuery } from "@tanstack/react-query";
import type { ReactNode } from "react";
import { Page, PageHeading } from "@/components/layout/page";
import { RegistryCard, type RegistryCardProps } from "./registry-card";

export type RegistryListPageProps<T, E, K extends QueryKey> = Omit<
  RegistryCardProps<T>,
  "query" | "title"
> & {
  /** The page's heading and the line under it. */
  title: string;
  description: string;
  /** The card's title ("All blocks"). */
  listTitle: string;
  /** The list query, e.g. `trpc.blocks.list.queryOptions({ limit: 1000 })`. */
  queryOptions: UseQueryOptions<T[], E, T[], K>;
  /** More sections under the list. */
  children?: ReactNode;
};

/** A registry's list page: heading, then one card with the table of its list query. */
export function RegistryListPage<T, E, K extends QueryKey>({
  title,
  description,
  listTitle,
  queryOptions,
  children,
  ...card
}: RegistryListPageProps<T, E, K>) {
  const query = useQuery(queryOptions);
  return (
    <Page>
      <PageHeading title={title} subtitle={description} />
      <RegistryCard title={listTitle} query={query} {...card} />
      {children}
    </Page>
  );
}
