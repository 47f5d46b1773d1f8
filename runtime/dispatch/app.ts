import { Hono } from "hono";
import { errorToResponse, HttpError } from "../shared/http-error.ts";
import { isAdmin } from "./admin/admin-auth.ts";
import { channelReport, ledgerReport } from "./admin/ledger-report.ts";
import { reconcileUnknownPayments } from "./admin/reconcile.ts";
import { settleAllChannels } from "./admin/settle.ts";
import { apiResponseHeaders, handleApiCall } from "./api-call.ts";
import { listApis } from "./api-registry.ts";
import { catalogEntries, wantsJson } from "./catalog.ts";
import { renderCatalogPage } from "./catalog-page.ts";
import { creatorRoutes } from "./creators/routes.ts";
import type { DispatchEnv } from "./env.ts";
import { dispatchSettings } from "./settings.ts";

/** The gateway: catalog, health, and every `/<slug>/...` call. */
export function createDispatchApp(): Hono<{ Bindings: DispatchEnv }> {
  const app = new Hono<{ Bindings: DispatchEnv }>();

  // Fail closed: with a bad setting nothing below runs (a 503 naming it, from onError).
  app.use(async (c, next) => {
    dispatchSettings(c.env);
    await next();
  });

  app.get("/health", (c) => c.json({ ok: true, environment: dispatchSettings(c.env).environment }));

  app.get("/", async (c) => {
    const settings = dispatchSettings(c.env);
    // Links are built on the configured origin, never on the request's Host header.
    const origin = settings.publicOrigin;
    const entries = catalogEntries(await listApis(c.env), origin);
    if (wantsJson(c.req.raw)) {
      const payment = {
        network: settings.network,
        asset: settings.asset,
        platformWallet: settings.platformWallet,
      };
      return c.json({ payment, apis: entries });
    }
    return c.html(renderCatalogPage(entries, origin));
  });

  app.post("/admin/reconcile", async (c) => {
    if (!isAdmin(c.req.raw, c.env)) throw notFound();
    return c.json({ outcomes: await reconcileUnknownPayments(c.env) });
  });

  app.post("/admin/settle", async (c) => {
    if (!isAdmin(c.req.raw, c.env)) throw notFound();
    return c.json(await settleAllChannels(c.env));
  });

  app.get("/admin/ledger", async (c) => {
    if (!isAdmin(c.req.raw, c.env)) throw notFound();
    return c.json({ lines: await ledgerReport(c.env), channels: await channelReport(c.env) });
  });

  // Creator sign-in and private stats; "creators" is a reserved slug, so no API can shadow it.
  app.route("/creators", creatorRoutes());

  app.all("*", apiResponseHeaders, (c) => handleApiCall(c));

  app.onError((error) =>
    errorToResponse(error, "dispatch worker", "the gateway failed; the call was not charged"),
  );
  return app;
}

function notFound(): HttpError {
  return new HttpError(404, "not_found", "no such endpoint");
}
