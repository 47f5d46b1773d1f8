import { Hono } from "hono";
import { errorResponse } from "../shared/http-error.ts";
import { isAdmin } from "./admin/admin-auth.ts";
import { ledgerReport } from "./admin/ledger-report.ts";
import { reconcileUnknownPayments } from "./admin/reconcile.ts";
import { handleApiCall } from "./api-call.ts";
import { listApis } from "./api-registry.ts";
import { catalogEntries, wantsJson } from "./catalog.ts";
import { renderCatalogPage } from "./catalog-page.ts";
import { creatorRoutes } from "./creators/routes.ts";
import type { DispatchEnv } from "./env.ts";

/** The gateway: catalog, health, and every `/<slug>/...` call. */
export function createDispatchApp(): Hono<{ Bindings: DispatchEnv }> {
  const app = new Hono<{ Bindings: DispatchEnv }>();

  app.get("/health", (c) => c.json({ ok: true, environment: c.env.ENVIRONMENT ?? "unknown" }));

  app.get("/", async (c) => {
    const origin = new URL(c.req.url).origin;
    const entries = catalogEntries(await listApis(c.env), origin);
    if (wantsJson(c.req.raw)) {
      const payment = {
        network: c.env.X402_NETWORK,
        asset: c.env.X402_ASSET,
        platformWallet: c.env.PLATFORM_WALLET,
      };
      return c.json({ payment, apis: entries });
    }
    return c.html(renderCatalogPage(entries, origin));
  });

  app.post("/admin/reconcile", async (c) => {
    if (!isAdmin(c.req.raw, c.env)) return errorResponse(404, "not_found", "no such endpoint");
    return c.json({ outcomes: await reconcileUnknownPayments(c.env) });
  });

  app.get("/admin/ledger", async (c) => {
    if (!isAdmin(c.req.raw, c.env)) return errorResponse(404, "not_found", "no such endpoint");
    return c.json({ lines: await ledgerReport(c.env) });
  });

  // Creator sign-in and private stats; "creators" is a reserved slug, so no API can shadow it.
  app.route("/creators", creatorRoutes());

  app.all("*", (c) => handleApiCall(c));

  app.onError((error) => {
    console.error("dispatch worker fault", error);
    return errorResponse(500, "internal_error", "the gateway failed; the call was not charged");
  });
  return app;
}
