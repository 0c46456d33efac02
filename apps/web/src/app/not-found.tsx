import { Compass } from "lucide-react";
import Link from "next/link";
import { Page } from "@/components/layout/page";
import { buttonVariants } from "@/components/ui/button";

export default function NotFound() {
  return (
    <Page className="flex flex-col items-center py-24 text-center">
      <Compass className="size-8 text-zinc-300" />
      <h2 className="mt-4 text-lg font-semibold text-zinc-900">Page not found</h2>
      <p className="mt-1 text-sm text-zinc-500">There is nothing at this address in the console.</p>
      <Link href="/" className={buttonVariants({ className: "mt-6" })}>
        Back to the overview
      </Link>
    </Page>
  );
}
