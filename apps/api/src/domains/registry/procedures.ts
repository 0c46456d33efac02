import { MAX_PAGE_LIMIT, type TFilterQuery, ZFilterQuery } from "@aios/contracts";
import { z } from "zod";
import type { Services } from "../../services";
import { viewerProcedure } from "../../trpc";
import type { RowRegistry } from "./row-search";
import type { PageInput } from "./search";

/**
 * One page of a list or search (`DEFAULT_PAGE_LIMIT` rows unless `limit` says otherwise); a caller
 * that wants everything asks for the next `offset` until a page comes back short.
 */
export const ZPage = z.object({
  limit: z
    .number()
    .int()
    .min(1)
    .max(MAX_PAGE_LIMIT, {
      error: `must be at most ${MAX_PAGE_LIMIT} (MAX_PAGE_LIMIT); page through with offset`,
    })
    .optional(),
  offset: z.number().int().min(0).optional(),
});

interface RegistryReader<R> {
  get(key: string): Promise<R>;
  search(filter: TFilterQuery, page: PageInput): Promise<R[]>;
}

interface ReadOptions<R, K extends string, Reader> {
  record: z.ZodType<R>;
  key: K;
  reader: (services: Services) => Reader;
  /** Who may read (viewers unless the kind says otherwise: tokens and audit events are admins'). */
  procedure?: typeof viewerProcedure;
}

/**
 * `get` and `search` are alike for every registry: get by the kind's key, search with the filter
 * language. Each domain router adds its own `list` (its filters differ) and its mutations.
 */
export function readProcedures<R, K extends string>(opts: ReadOptions<R, K, RegistryReader<R>>) {
  const procedure = opts.procedure ?? viewerProcedure;
  const keyInput = z.object({ [opts.key]: z.string().min(1) } as Record<K, z.ZodString>);
  return {
    get: procedure
      .input(keyInput)
      .output(opts.record)
      .query(({ ctx, input }) => opts.reader(ctx.services).get((input as Record<K, string>)[opts.key])),
    search: procedure
      .input(ZPage.extend({ filter: ZFilterQuery }))
      .output(z.array(opts.record))
      .query(({ ctx, input }) => opts.reader(ctx.services).search(input.filter, input)),
  };
}

/** The registries searched over a row view (`row-search.ts`): a paged `list` besides get and search. */
export function rowReadProcedures<R, K extends string>(opts: ReadOptions<R, K, RowRegistry<R>>) {
  const procedure = opts.procedure ?? viewerProcedure;
  return {
    list: procedure
      .input(ZPage.optional())
      .output(z.array(opts.record))
      .query(({ ctx, input }) => opts.reader(ctx.services).list(input ?? {})),
    ...readProcedures(opts),
  };
}
