import { connection } from "next/server";
import { VdagPage } from "@/components/vdags/detail/vdag-page";
import { publicEndpointsOf, webEnv } from "@/lib/env";

/** Rendered per request: the public API addresses (`lib/env.ts`) are read at run time. */
export default async function Page() {
  await connection();
  return <VdagPage endpoints={publicEndpointsOf(webEnv())} />;
}
