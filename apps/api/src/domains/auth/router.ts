import { publicProcedure, router } from "../../trpc";
import { describeCaller } from "./caller.service";
import { ZWhoamiResponse } from "./whoami.types";

/** The caller's own identity: what a console asks to sign a user in and to learn the auth mode. */
export const authRouter = router({
  whoami: publicProcedure
    .output(ZWhoamiResponse)
    .query(({ ctx }) =>
      describeCaller(ctx.services.config.auth, ctx.principal, ctx.services.registries.apiTokens),
    ),
});
