import { connection } from "next/server";
import { BlockPage } from "@/components/blocks/block-page";
import { publicEndpointsOf, webEnv } from "@/lib/env";

/** Rendered per request: the public API addresses (`lib/env.ts`) are read at run time. */
export default async function Page() {
  await connection();
  return <BlockPage endpoints={publicEndpointsOf(webEnv())} />;
}
