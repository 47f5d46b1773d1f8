import { Hono } from "hono";
import type { ApiRecord } from "../api-record.ts";
import { listApis } from "../api-registry.ts";
import type { DispatchEnv } from "../env.ts";
import { dispatchSettings } from "../settings.ts";
import { FAVICON_SVG, faviconIco } from "./favicon.ts";
import { llmsTxt } from "./llms-txt.ts";
import { marketplaceInfo, openApiDocument } from "./openapi.ts";
import { wellKnownX402 } from "./well-known.ts";

type Env = { Bindings: DispatchEnv };

/** Discovery documents are rebuilt only when the catalog list changes (listApis caches it per isolate). */
const documents = new WeakMap<readonly ApiRecord[], Map<string, string>>();
/** Short: the catalog itself is at most seconds stale, and indexers poll. */
const CACHE_CONTROL = "public, max-age=60";
const ICO = faviconIco();

/** The document `name` for this catalog list, built once per list and kind. */
function cached(apis: readonly ApiRecord[], name: string, build: () => string): string {
  let byName = documents.get(apis);
  if (!byName) {
    byName = new Map();
    documents.set(apis, byName);
  }
  let text = byName.get(name);
  if (text === undefined) {
    text = build();
    byName.set(name, text);
  }
  return text;
}

/** Agents' discovery surfaces: /openapi.json, /.well-known/{openapi.json,x402}, /llms.txt and the favicon. */
export function discoveryRoutes(): Hono<Env> {
  const app = new Hono<Env>();
  const openApi = async (c: { env: DispatchEnv }) => {
    const settings = dispatchSettings(c.env);
    const apis = await listApis(c.env);
    const body = cached(apis, "openapi", () =>
      JSON.stringify(openApiDocument(apis, marketplaceInfo(settings))),
    );
    return publicDocument(body, "application/json");
  };
  app.get("/openapi.json", openApi);
  app.get("/.well-known/openapi.json", openApi);
  app.get("/.well-known/x402", async (c) => {
    const apis = await listApis(c.env);
    const body = cached(apis, "x402", () =>
      JSON.stringify(wellKnownX402(apis, dispatchSettings(c.env).publicOrigin)),
    );
    return publicDocument(body, "application/json");
  });
  app.get("/llms.txt", async (c) => {
    const apis = await listApis(c.env);
    const body = cached(apis, "llms", () => llmsTxt(apis, marketplaceInfo(dispatchSettings(c.env))));
    return publicDocument(body, "text/markdown; charset=utf-8");
  });
  app.get("/favicon.svg", () => new Response(FAVICON_SVG, { headers: iconHeaders("image/svg+xml") }));
  app.get("/favicon.ico", () => new Response(ICO, { headers: iconHeaders("image/x-icon") }));
  return app;
}

/** Public documents without credentials: any origin may read them (browser-based agents, validators). */
function publicDocument(body: string, type: string): Response {
  return new Response(body, {
    headers: { "content-type": type, "cache-control": CACHE_CONTROL, "access-control-allow-origin": "*" },
  });
}

function iconHeaders(type: string): HeadersInit {
  return { "content-type": type, "cache-control": "public, max-age=86400" };
}
