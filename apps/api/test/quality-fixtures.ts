import { fieldIssues, formatIssue } from "@aios/contracts";
import { ZodError } from "zod";
import { rejection } from "./harness";

/** The field issues a refused call names, as `path: message` (what the HTTP client is told). */
export async function issuesOf(call: Promise<unknown>): Promise<string[]> {
  const err = await rejection(call);
  if (!(err.cause instanceof ZodError)) return [err.message];
  return fieldIssues(err.cause, "(input)").map(formatIssue);
}
