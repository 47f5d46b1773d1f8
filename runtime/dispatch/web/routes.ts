import { Hono } from "hono";
import { HttpError } from "../../shared/http-error.ts";
import { findApi, listApis } from "../api-registry.ts";
import { catalogEntries, wantsJson } from "../catalog.ts";
import { filterCatalog, parseCatalogQuery } from "../catalog-query.ts";
import type { DispatchEnv } from "../env.ts";
import { dispatchSettings } from "../settings.ts";
import { renderApiPage } from "./api-page.ts";
import { renderDashboardPage } from "./dashboard-page.ts";
import { escapeHtml, renderPage } from "./html.ts";
import { renderMarketPage } from "./market-page.ts";
import { pageHeaders } from "./page-headers.ts";
import { publicStats, recentCallCounts } from "./public-stats.ts";
import { assetResponse, type WebAssets } from "./web-assets.ts";

type Env = { Bindings: DispatchEnv };

/** The marketplace page for `GET /` when a browser asks (the JSON catalog stays in app.ts). */
export async function marketPage(request: Request, env: DispatchEnv, assets: WebAssets): Promise<Response> {
  const settings = dispatchSettings(env);
  const all = catalogEntries(await listApis(env), settings.publicOrigin);
  const calls = await recentCallCounts(env.DB, Date.now());
  const callsOf = (slug: string) => calls.get(slug) ?? 0;
  const { query, problems } = parseCatalogQuery(new URL(request.url).searchParams);
  const shown = filterCatalog(all, query, callsOf);
  const html = renderMarketPage({ shown, all, query, problems, callsOf, assets });
  return new Response(html, { status: problems.length ? 400 : 200, headers: pageHeaders() });
}

/** API pages, the dashboard and the pages' assets: same origin, server-rendered, no CDN. */
export function webRoutes(assets: WebAssets): Hono<Env> {
  const app = new Hono<Env>();
  app.get("/assets/*", (c) => {
    const response = assetResponse(assets, new URL(c.req.url).pathname);
    if (!response)
      throw new HttpError(404, "not_found", "no such asset (asset names change with each release)");
    return response;
  });
  app.get("/catalog", (c) => c.redirect("/", 302));
  app.get("/catalog/:slug", async (c) => {
    const slug = c.req.param("slug");
    const api = await findApi(c.env, slug, (work) => {
      // Outside workerd (unit tests) there is no execution context; the cache write just runs.
      try {
        c.executionCtx.waitUntil(work);
      } catch {
        void work;
      }
    });
    if (!api) {
      // A browser following a stale link gets a page back to the marketplace; tools get the JSON error.
      if (!wantsJson(c.req.raw)) {
        return new Response(renderNotFoundPage(slug, assets), { status: 404, headers: pageHeaders() });
      }
      throw new HttpError(404, "api_not_found", `no active API "${slug}": see the marketplace at /`, {
        slug,
      });
    }
    const stats = await publicStats(c.env.DB, api.slug, Date.now());
    const html = renderApiPage(api, stats, dispatchSettings(c.env), assets);
    return new Response(html, { headers: pageHeaders() });
  });
  app.get("/dashboard", (c) => {
    const html = renderDashboardPage(dispatchSettings(c.env), assets);
    return new Response(html, { headers: pageHeaders({ private: true }) });
  });
  return app;
}

function renderNotFoundPage(slug: string, assets: WebAssets): string {
  const main = `<h1>No such API</h1>
<p>There is no active API named <code>${escapeHtml(slug)}</code> (it may have been retired or renamed).</p>
<p><a href="/">Back to the marketplace</a></p>`;
  return renderPage({ title: "No such API · 402claw", main, assets, current: "market" });
}
