"use client";

import { LIST_PAGE_SIZE } from "@aios/contracts";
import {
  keepPreviousData,
  type QueryKey,
  type UseQueryOptions,
  type UseQueryResult,
  useQuery,
} from "@tanstack/react-query";
import { type ReactNode, useEffect, useMemo, useState } from "react";
import { Page, PageHeading } from "@/components/layout/page";
import { Pager } from "./pager";
import { RegistryCard, type RegistryCardProps } from "./registry-card";

/** The page of rows a list query asks for: the rows shown and one more, to know a next page exists. */
export interface ListPage {
  limit: number;
  offset: number;
}

type Rows<T, E, K extends QueryKey> =
  /** A paged list query, e.g. `(page) => trpc.blocks.list.queryOptions(page)`: LIST_PAGE_SIZE rows a page. */
  | { pageQuery: (page: ListPage) => UseQueryOptions<T[], E, T[], K>; queryOptions?: never; pageKey?: string }
  /**
   * A list shown whole, within its own bound: the recent jobs, or a registry filtered in the
   * browser by free text across its fields (at most MAX_PAGE_LIMIT rows), which its list API
   * cannot do page by page.
   */
  | { queryOptions: UseQueryOptions<T[], E, T[], K>; pageQuery?: never; pageKey?: never };

export type RegistryListPageProps<T, E, K extends QueryKey> = Omit<RegistryCardProps<T>, "query" | "title"> &
  Rows<T, E, K> & {
    /** The page's heading and the line under it. */
    title: string;
    description: string;
    /** The card's title ("All blocks"). */
    listTitle: string;
    /** More sections under the list. */
    children?: ReactNode;
  };

/**
 * A registry's list page: heading, then one card with the table of its list query. A paged list
 * shows LIST_PAGE_SIZE rows with Previous and Next under them; `pageKey` (the list's own filters)
 * going back to the first page when it changes.
 */
export function RegistryListPage<T, E, K extends QueryKey>(props: RegistryListPageProps<T, E, K>) {
  const { title, description, listTitle, children, pageQuery, queryOptions, pageKey = "", ...card } = props;
  const [paging, setPaging] = useState({ key: pageKey, offset: 0 });
  const offset = paging.key === pageKey ? paging.offset : 0;
  const options = pageQuery ? pageQuery({ limit: LIST_PAGE_SIZE + 1, offset }) : queryOptions;
  // While the next page loads the current one stays (no skeleton between pages).
  const query = useQuery({ ...options, placeholderData: pageQuery ? keepPreviousData : undefined });
  const more = pageQuery !== undefined && (query.data?.length ?? 0) > LIST_PAGE_SIZE;
  const rows = useMemo(
    () => (pageQuery ? query.data?.slice(0, LIST_PAGE_SIZE) : query.data),
    [pageQuery, query.data],
  );
  const shown = { ...query, data: rows } as UseQueryResult<T[], E>;
  // A page left empty (its rows removed meanwhile) goes back to the first.
  useEffect(() => {
    if (offset > 0 && rows?.length === 0) setPaging({ key: pageKey, offset: 0 });
  }, [offset, rows, pageKey]);
  const paged = offset > 0 || more;
  return (
    <Page>
      <PageHeading title={title} subtitle={description} />
      <RegistryCard
        title={listTitle}
        query={shown}
        {...card}
        range={paged && rows ? { from: offset + 1, to: offset + rows.length } : undefined}
        footer={
          paged ? (
            <Pager
              offset={offset}
              shown={rows?.length ?? 0}
              more={more}
              loading={query.isPlaceholderData}
              go={(to) => setPaging({ key: pageKey, offset: to })}
            />
          ) : null
        }
      />
      {children}
    </Page>
  );
}
