import {
  MAX_PAGE_LIMIT,
  RANKED_REGISTRIES,
  type TFilterQuery,
  type TRankedRegistry,
  ZFilterQuery,
  ZPolicyRuleRef,
} from "@aios/contracts";
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

/** A search of a registry that takes no ranking policy: a ranking given is refused, not ignored. */
const ZSearch = ZPage.extend({
  filter: ZFilterQuery,
  rankingPolicyRule: z
    .undefined({
      error: `this registry's search takes no ranking policy; ${RANKED_REGISTRIES.join(", ")} do`,
    })
    .optional(),
});

/** A search of a registry kept as spec documents: the filter's matches, ordered by a ranking policy if given. */
const ZRankedSearch = ZPage.extend({ filter: ZFilterQuery, rankingPolicyRule: ZPolicyRuleRef.optional() });

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
      .input(ZSearch)
      .output(z.array(opts.record))
      .query(({ ctx, input }) => opts.reader(ctx.services).search(input.filter, input)),
  };
}

/**
 * The registries kept as spec documents (`RANKED_REGISTRIES`): their `search` takes an optional
 * `rankingPolicyRule` (`{policyRuleURI, settings, parameters}`, a policy of kind `ranking`) that
 * orders the filter's matches and may drop some (`registry/ranking.ts`).
 */
export function rankedReadProcedures<R extends object, K extends string>(
  opts: ReadOptions<R, K, RegistryReader<R>> & { registry: TRankedRegistry },
) {
  const procedure = opts.procedure ?? viewerProcedure;
  return {
    ...readProcedures(opts),
    search: procedure
      .input(ZRankedSearch)
      .output(z.array(opts.record))
      .query(({ ctx, input }) => {
        const reader = opts.reader(ctx.services);
        if (!input.rankingPolicyRule) return reader.search(input.filter, input);
        return ctx.services.ranking.search({
          registry: opts.registry,
          filter: input.filter,
          page: input,
          rule: input.rankingPolicyRule,
          find: (filter, page) => reader.search(filter, page),
        });
      }),
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
