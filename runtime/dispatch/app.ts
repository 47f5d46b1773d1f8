import { Hono } from "hono";
import { errorToResponse, HttpError } from "../shared/http-error.ts";
import { isAdmin } from "./admin/admin-auth.ts";
import { channelReport, ledgerReport } from "./admin/ledger-report.ts";
import { isPlatform } from "./admin/platform-auth.ts";
import { platformOverview } from "./admin/platform-overview.ts";
import { reconcileUnknownPayments } from "./admin/reconcile.ts";
import { settleAllChannels } from "./admin/settle.ts";
import { apiResponseHeaders, handleApiCall } from "./api-call.ts";
import { listApis } from "./api-registry.ts";
import { catalogEntries, wantsJson } from "./catalog.ts";
import { filterCatalog, isEmptyQuery, strictCatalogQuery } from "./catalog-query.ts";
import { creatorRoutes } from "./creators/routes.ts";
import { discoveryRoutes } from "./discovery/routes.ts";
import type { DispatchEnv } from "./env.ts";
import { handleMcpRequest } from "./mcp/mcp-server.ts";
import { dispatchSettings } from "./settings.ts";
import { marketPage, webRoutes } from "./web/routes.ts";
import { NO_WEB_ASSETS, type WebAssets } from "./web/web-assets.ts";

/** The gateway: catalog, web pages, health, and every `/<slug>/...` call. */
export function createDispatchApp(options: { webAssets?: WebAssets } = {}): Hono<{ Bindings: DispatchEnv }> {
  const webAssets = options.webAssets ?? NO_WEB_ASSETS;
  const app = new Hono<{ Bindings: DispatchEnv }>();

  // Fail closed: with a bad setting nothing below runs (a 503 naming it, from onError).
  app.use(async (c, next) => {
    dispatchSettings(c.env);
    await next();
  });

  app.get("/health", (c) => c.json({ ok: true, environment: dispatchSettings(c.env).environment }));

  app.get("/", async (c) => {
    if (!wantsJson(c.req.raw)) return marketPage(c.req.raw, c.env, webAssets);
    const settings = dispatchSettings(c.env);
    // Links are built on the configured origin, never on the request's Host header.
    const query = strictCatalogQuery(new URL(c.req.url).searchParams);
    const all = catalogEntries(await listApis(c.env), settings.publicOrigin);
    const entries = isEmptyQuery(query) ? all : filterCatalog(all, query);
    const payment = {
      network: settings.network,
      asset: settings.asset,
      platformWallet: settings.platformWallet,
    };
    return c.json({ payment, apis: entries });
  });

  // The admin token or the platform wallet's session (the dashboard's platform view).
  app.post("/admin/reconcile", async (c) => {
    if (!(await isPlatform(c.req.raw, c.env, Date.now()))) throw notFound();
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

  // Agents: OpenAPI, /.well-known/x402, llms.txt, the favicon; and the MCP server of paid tools.
  app.route("/", discoveryRoutes());
  app.post("/mcp", async (c) => {
    const settings = dispatchSettings(c.env);
    const response = await handleMcpRequest(c.req.raw, {
      name: settings.marketplaceName,
      version: "1.0.0",
      origin: settings.publicOrigin,
      listApis: () => listApis(c.env),
      // A tool call is an HTTP call to the API through this same app: same gate, ledger and money rules.
      callApi: (request) => Promise.resolve(app.fetch(request, c.env, c.executionCtx)),
      maxBodyBytes: settings.maxBodyBytes,
    });
    // Tool results embed creator output on the marketplace's origin: never let a browser render it.
    const headers = new Headers(response.headers);
    headers.set("x-content-type-options", "nosniff");
    headers.set("content-security-policy", "sandbox");
    return new Response(response.body, { status: response.status, headers });
  });
  // Stateless server: no SSE stream to resume and no session to end.
  app.on(["GET", "DELETE"], "/mcp", () => {
    throw new HttpError(
      405,
      "method_not_allowed",
      "this MCP server is stateless: POST JSON-RPC messages to /mcp",
      {},
      { allow: "POST" },
    );
  });

  app.get("/admin/overview", async (c) => {
    if (!(await isPlatform(c.req.raw, c.env, Date.now()))) throw notFound();
    c.header("cache-control", "no-store");
    return c.json(await platformOverview(c.env, Date.now()));
  });

  // API pages, the dashboard and their assets ("catalog", "dashboard", "assets" are reserved slugs).
  app.route("/", webRoutes(webAssets));

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
