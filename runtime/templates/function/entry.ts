/**
 * Which of the three JS/TS forms a creator's module takes, decided once per isolate from its
 * exports: a handler (`export default async function (input)` or `export function handler`), a
 * Workers module (`export default { fetch(request, env, ctx) }`), or a Hono app or any object
 * with `fetch` (`export default app`).
 */
import type { FunctionInput } from "./input.ts";

/** A creator module in one of the supported forms, ready to call. */
export type CreatorEntry =
  | { form: "handler"; handler: (input: FunctionInput) => unknown }
  | { form: "module"; fetch: (request: Request, env: object, ctx: ExecutionContext) => unknown };

/** The message a module in none of the forms is refused with (by validate, and at run time). */
export const NO_FORM_MESSAGE =
  "the function module exports none of the supported forms. Fix: export default a handler " +
  "(`export default async function (input) { … }`), a Workers module " +
  "(`export default { async fetch(request, env) { … } }`) or a Hono app (`export default app`)";

/** Picks the module's form; undefined when it exports none of them. */
export function pickEntry(module: Record<string, unknown>): CreatorEntry | undefined {
  const main = module.default;
  // An object (a Workers module, a Hono app) or a function carrying `fetch` is called as a module.
  if (main !== null && (typeof main === "object" || typeof main === "function")) {
    const fetch = (main as { fetch?: unknown }).fetch;
    if (typeof fetch === "function") {
      return { form: "module", fetch: (request, env, ctx) => fetch.call(main, request, env, ctx) };
    }
  }
  const handler = typeof main === "function" ? main : module.handler;
  if (typeof handler === "function" && !isClass(handler as () => unknown)) {
    return { form: "handler", handler: handler as (input: FunctionInput) => unknown };
  }
  return undefined;
}

function isClass(value: (...args: never) => unknown): boolean {
  return /^class[\s{]/.test(Function.prototype.toString.call(value));
}
