/**
 * Wraps a creator's function module as a module worker. The creator's module is a handler, a
 * standard Workers module or a Hono app (see entry.ts); the form is picked once per isolate. A
 * module in none of the forms fails to load, with a message naming the fix: `402claw validate`
 * loads every built function in workerd and reports it before anything is deployed.
 */
import * as creator from "402claw:creator";
import { NO_FORM_MESSAGE, pickEntry } from "./entry.ts";
import { readInput } from "./input.ts";

const entry = pickEntry(creator as Record<string, unknown>);
if (!entry) throw new Error(NO_FORM_MESSAGE);

export default {
  async fetch(request: Request, env: Record<string, unknown>, ctx: ExecutionContext): Promise<Response> {
    if (entry!.form === "module") return (await entry!.fetch(request, env, ctx)) as Response;
    const input = await readInput(request, env);
    if (input instanceof Response) return input;
    const result = await entry!.handler(input);
    if (result instanceof Response) return result;
    if (result === undefined) return new Response(null, { status: 204 });
    return Response.json(result);
  },
};
