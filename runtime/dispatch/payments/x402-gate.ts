import { type RouteConfig, x402HTTPResourceServer, x402ResourceServer } from "@x402/core/server";
import { ExactEvmScheme } from "@x402/evm/exact/server";
import { bazaarResourceServerExtension } from "@x402/extensions/bazaar";
import { paymentMiddlewareFromHTTPServer } from "@x402/hono";
import type { Context } from "hono";
import { errorResponse } from "../../shared/http-error.ts";
import type { ApiRecord } from "../api-record.ts";
import type { DispatchEnv } from "../env.ts";
import { facilitatorFor } from "./facilitator.ts";
import { PaidCall } from "./paid-call.ts";
import { paymentConfig } from "./payment-config.ts";
import { routeConfigFor } from "./route-config.ts";

/** Payment headers larger than this are refused before any decoding (a real one is ~1 KB). */
export const MAX_PAYMENT_HEADER_BYTES = 16 * 1024;

/**
 * The x402 gate (@x402/hono, not a re-implementation): unpaid → 402 with this API's requirements;
 * paid → verify, claim in the payer ledger, run the creator once, settle if it succeeded.
 * The middleware is assembled per request because price and payTo come from the API's row.
 */
export async function chargeFor(
  c: Context<{ Bindings: DispatchEnv }>,
  api: ApiRecord,
  serve: () => Promise<Response>,
): Promise<Response> {
  const header = c.req.header("payment-signature") ?? c.req.header("x-payment") ?? "";
  if (header.length > MAX_PAYMENT_HEADER_BYTES) {
    return errorResponse(
      400,
      "payment_header_too_large",
      `the payment header exceeds ${MAX_PAYMENT_HEADER_BYTES} bytes`,
    );
  }
  const config = paymentConfig(c.env);
  const call = new PaidCall(c.env, api);
  const server = new x402ResourceServer(facilitatorFor(config, call.trace));
  server.register(config.network, new ExactEvmScheme());
  server.registerExtension(bazaarResourceServerExtension);
  call.install(server);
  try {
    await server.initialize();
  } catch {
    return call.finish(
      errorResponse(502, "facilitator_unavailable", "the payment facilitator cannot be reached"),
    );
  }
  const resourceUrl = new URL(c.req.url);
  resourceUrl.search = "";
  const { extensions, ...route } = routeConfigFor(api, config, resourceUrl.toString());
  const routes: { "*": RouteConfig } = { "*": route };
  const middleware = paymentMiddlewareFromHTTPServer(
    new x402HTTPResourceServer(server, routes),
    undefined,
    undefined,
    false,
  );
  // The discovery declaration is attached after construction: x402 would otherwise validate it with
  // ajv on every request, and ajv compiles validators with `new Function`, which workerd forbids.
  // route-config.test.ts validates the same declaration in Node instead.
  routes["*"].extensions = extensions;
  const returned = await middleware(c, async () => {
    c.res = await call.serve(serve);
  });
  return call.finish(returned instanceof Response ? returned : c.res);
}
