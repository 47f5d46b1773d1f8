import { describe, expect, it } from "vitest";
import { runtimePath } from "./bundle.ts";
import { buildWebAssets } from "./web-assets-plugin.ts";

const REPO_ROOT = runtimePath("../");

describe("the pages' browser assets", () => {
  it("builds every entry into hashed files whose imports are all served too", async () => {
    const assets = await buildWebAssets(runtimePath("dispatch/web/browser/"), REPO_ROOT);
    expect(Object.keys(assets.entries).sort()).toEqual(["dashboard.js", "site.css", "try-it.js"]);
    for (const url of Object.values(assets.entries)) {
      expect(url).toMatch(/^\/assets\/[a-z-]+-[A-Z0-9]{8}\.(js|css)$/);
      expect(assets.files[url]).toBeDefined();
    }
    for (const [url, file] of Object.entries(assets.files)) {
      // Chunks import each other relatively; each one must be a file the gateway serves.
      for (const [, name] of file.body.matchAll(/["']\.\/([A-Za-z0-9_-]+-[A-Z0-9]{8}\.js)["']/g)) {
        expect(assets.files[`/assets/${name}`], `${url} imports ./${name}`).toBeDefined();
      }
      // Nothing is fetched from elsewhere: the CSP would refuse it anyway.
      expect(file.body).not.toMatch(/(src|href)=["']?https?:/);
      expect(file.body).not.toMatch(/@import\s+(url\()?["']?https?:/);
    }
    // uPlot's stylesheet is bundled into ours.
    expect(assets.files[assets.entries["site.css"]!]!.body).toContain(".uplot");
  });
});
