import { UserError } from "../errors";

/**
 * Refuses a NUL character (`\u0000`) in any string or key of a request body: PostgreSQL cannot
 * store it in text or jsonb, and the request is stored as a task. The message names the field's
 * path (`data.items.2.text`). Walked with a stack of its own, not recursion. (The body's size,
 * depth and path segments are checked by `@aios/service-kit`'s reader and route table.)
 */
export function assertNoNul(body: unknown): void {
  const stack: Array<{ value: unknown; path: string }> = [{ value: body, path: "" }];
  const at = (path: string, key: string | number) => (path ? `${path}.${key}` : String(key));
  for (let item = stack.pop(); item; item = stack.pop()) {
    const { value, path } = item;
    if (typeof value === "string") {
      if (value.includes("\0")) throw nulAt(path || "(body)");
    } else if (Array.isArray(value)) {
      for (const [i, x] of value.entries()) stack.push({ value: x, path: at(path, i) });
    } else if (value !== null && typeof value === "object") {
      for (const [key, x] of Object.entries(value)) {
        if (key.includes("\0")) throw nulAt(at(path, JSON.stringify(key)), "its key");
        stack.push({ value: x, path: at(path, key) });
      }
    }
  }
}

const nulAt = (path: string, what = "it") =>
  UserError.field(path, `${what} contains a NUL character (\\u0000), which cannot be stored`);
