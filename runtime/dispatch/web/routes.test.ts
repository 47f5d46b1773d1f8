import { describe, expect, it } from "vitest";
import { createDispatchApp } from "../app.ts";
import { signSessionToken } from "../creators/session-token.ts";
import { testDispatchEnv } from "../test-env.ts";
import { PAGE_CSP } from "./page-headers.ts";
import type { WebAssets } from "./web-assets.ts";

// Pages and assets before any database work; with data, in real Chromium: e2e/web/.
const ASSETS: WebAssets = {
  files: { "/assets/dashboard-ABC.js": { type: "text/javascript; charset=utf-8", body: "export {};" } },
  entries: { "dashboard.js": "/assets/dashboard-ABC.js", "site.css": "/assets/site-XYZ.css" },
};
const PLATFORM = "0xa0Ee7A142d267C1f36714E4a8F75612F20a79720";
const SECRET = "s3cret";
const env = () => testDispatchEnv({ AUTH_SECRET: SECRET, PLATFORM_WALLET: PLATFORM });
const get = (path: string, headers: Record<string, string> = {}) =>
  createDispatchApp({ webAssets: ASSETS }).request(path, { headers }, env());

describe("web pages", () => {
  it("serves the dashboard with a strict CSP, no inline script or style, and only our own assets", async () => {
    const response = await get("/dashboard", { accept: "text/html" });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-security-policy")).toBe(PAGE_CSP);
    expect(PAGE_CSP).toContain("script-src 'self'");
    expect(PAGE_CSP).not.toContain("unsafe-inline");
    expect(response.headers.get("cache-control")).toBe("no-store");
    expect(response.headers.get("x-frame-options")).toBe("DENY");
    const html = await response.text();
    expect(html).toContain('<script type="module" src="/assets/dashboard-ABC.js"></script>');
    expect(html).toContain('<link rel="stylesheet" href="/assets/site-XYZ.css">');
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect(html).not.toMatch(/<style|\sstyle=|\son[a-z]+=/i);
    expect(html).toContain(`data-platform-wallet="${PLATFORM}"`);
    // Without the script nothing can be submitted: the admin token must never land in a URL.
    expect(html).toContain('data-action="sign-in" disabled');
    expect(html).toMatch(/<form id="admin-form"[^>]*><fieldset disabled>/);
  });

  it("serves built assets with their type and for good, and 404s unknown ones", async () => {
    const asset = await get("/assets/dashboard-ABC.js");
    expect(asset.status).toBe(200);
    expect(asset.headers.get("content-type")).toBe("text/javascript; charset=utf-8");
    expect(asset.headers.get("cache-control")).toContain("immutable");
    expect(await asset.text()).toBe("export {};");
    const missing = await get("/assets/nope.js");
    expect(missing.status).toBe(404);
  });
});

describe("the platform overview", () => {
  it("does not exist for anyone but the platform: no token, a creator's session, or another secret's", async () => {
    const creator = await signSessionToken(
      SECRET,
      "0x90F79bf6EB2c4f870365E785982E1f101E93b906",
      Date.now() + 60_000,
    );
    const forged = await signSessionToken("other", PLATFORM, Date.now() + 60_000);
    const attempts: Array<Record<string, string>> = [
      {},
      { authorization: `Bearer ${creator}` },
      { authorization: `Bearer ${forged}` },
    ];
    for (const headers of attempts) {
      expect((await get("/admin/overview", headers)).status).toBe(404);
      const reconcile = await createDispatchApp().request(
        "/admin/reconcile",
        { method: "POST", headers },
        env(),
      );
      expect(reconcile.status).toBe(404);
    }
  });
});

describe("catalog paths", () => {
  it("sends /catalog to the marketplace", async () => {
    const response = await get("/catalog");
    expect(response.status).toBe(302);
    expect(response.headers.get("location")).toBe("/");
  });
});
