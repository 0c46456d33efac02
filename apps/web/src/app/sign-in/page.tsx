import type { Metadata } from "next";
import { Page } from "@/components/layout/page";
import { SignInForm } from "@/components/session/sign-in-form";
import { safeNextPath } from "@/lib/session/next-path";

export const metadata: Metadata = { title: "Sign in" };

export default async function SignInPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const params = await searchParams;
  return (
    <Page className="max-w-md py-16">
      <div className="space-y-1">
        <h2 className="text-2xl font-semibold tracking-tight text-zinc-900">Sign in</h2>
        <p className="text-sm text-zinc-500">
          Paste an API token (viewer, operator or admin). The console then acts with it, and with nothing
          more: what the token may not do stays disabled.
        </p>
      </div>
      {params.ended ? (
        <p className="rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-800" data-testid="session-ended">
          Your session ended: its token was revoked or has expired.
        </p>
      ) : null}
      <SignInForm next={safeNextPath(params.next)} />
      <p className="text-xs text-zinc-500">
        An admin issues tokens with{" "}
        <code className="font-mono">aios token create --role viewer --name NAME</code>.
      </p>
    </Page>
  );
}
