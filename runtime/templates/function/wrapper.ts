/**
 * Wraps a creator's function module as a module worker. The creator exports a handler (default
 * export, or `handler`) that receives the request and its parsed input, and returns a Response
 * or any JSON-serialisable value.
 */
import * as creator from "402claw:creator";
import { type FunctionInput, readInput } from "./input.ts";

type Handler = (input: FunctionInput) => unknown;

const handler = pickHandler(creator as Record<string, unknown>);

export default {
  async fetch(request: Request, env: Record<string, unknown>): Promise<Response> {
    const input = await readInput(request, String(env.API_SLUG ?? ""));
    if (input instanceof Response) return input;
    const result = await handler(input);
    if (result instanceof Response) return result;
    if (result === undefined) return new Response(null, { status: 204 });
    return Response.json(result);
  },
};

function pickHandler(module: Record<string, unknown>): Handler {
  const candidate = module.default ?? module.handler;
  if (typeof candidate !== "function") {
    throw new Error(
      "the function module must export a handler: `export default async function (input) { ... }`",
    );
  }
  return candidate as Handler;
}
