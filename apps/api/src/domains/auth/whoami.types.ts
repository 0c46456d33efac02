import { z } from "zod";
import { ROLES } from "../../auth/principal";

/** Who the caller is, as the API sees it; never the token's secret nor its hash. */
export const ZWhoamiResponse = z.object({
  /** `open`: anonymous callers act as admin; `token`: every call needs a bearer token. */
  mode: z.enum(["open", "token"]),
  /** Null when the caller showed no token the API honours (token mode only). */
  principal: z
    .object({
      role: z.enum(ROLES),
      /** The token's name; null for the anonymous admin of open mode. */
      name: z.string().nullable(),
      tokenId: z.string().nullable(),
      /** The cluster an agent token belongs to. */
      scope: z.string().nullable(),
    })
    .nullable(),
});

export type TWhoamiResponse = z.infer<typeof ZWhoamiResponse>;
