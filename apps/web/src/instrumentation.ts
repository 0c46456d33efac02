/** Runs once when the console's server starts (Next.js instrumentation). */
export async function register() {
  // Off loopback in open mode the console would make every caller an admin: it does not start.
  if (process.env.NEXT_RUNTIME === "nodejs")
    (await import("./lib/listen-check")).exitUnlessConsoleMayListen();
}
