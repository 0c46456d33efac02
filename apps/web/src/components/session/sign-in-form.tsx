"use client";

import { LogIn } from "lucide-react";
import { type FormEvent, useId, useState } from "react";
import { Button } from "@/components/ui/button";
import { FormError, FormField, Input } from "@/components/ui/input";

/** Posts the token to `/session`; the console keeps it server-side in a sealed httpOnly cookie. */
export function SignInForm({ next }: { next: string }) {
  const id = useId();
  const [token, setToken] = useState("");
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string>();
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setPending(true);
    setError(undefined);
    try {
      const res = await fetch("/session", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ token }),
      });
      if (res.ok) {
        // A full load, so no query cached for the previous principal survives.
        window.location.assign(next);
        return;
      }
      const body = (await res.json().catch(() => null)) as { error?: { message?: string } } | null;
      setError(body?.error?.message ?? `sign-in failed (HTTP ${res.status})`);
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    }
    setPending(false);
  };
  return (
    <form onSubmit={submit} noValidate className="space-y-3" data-testid="sign-in-form">
      <FormField htmlFor={id} label="API token">
        <Input
          id={id}
          type="password"
          autoComplete="off"
          value={token}
          onChange={(e) => setToken(e.target.value)}
          placeholder="aios_…"
          className="w-full font-mono"
          data-testid="sign-in-token"
        />
      </FormField>
      <Button
        type="submit"
        variant="primary"
        disabled={pending || token.trim() === ""}
        data-testid="sign-in-submit"
      >
        <LogIn />
        {pending ? "Signing in…" : "Sign in"}
      </Button>
      {error ? <FormError testId="sign-in-error">{error}</FormError> : null}
    </form>
  );
}
