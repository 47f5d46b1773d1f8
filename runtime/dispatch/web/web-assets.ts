/** The pages' scripts and styles, built by core/build/web-assets-plugin.ts into the worker bundle. */
export interface WebAssets {
  /** File contents by URL path, e.g. "/assets/dashboard-AB12CD34.js". */
  files: Record<string, { type: string; body: string }>;
  /** Each entry's URL by its source name, e.g. "dashboard.js" → "/assets/dashboard-AB12CD34.js". */
  entries: Record<string, string>;
}

/** No assets: pages still render and read fine (they work without JavaScript), only unstyled. */
export const NO_WEB_ASSETS: WebAssets = { files: {}, entries: {} };

/** Serves one built asset; names carry a content hash, so they are cached for good. */
export function assetResponse(assets: WebAssets, path: string): Response | null {
  const file = assets.files[path];
  if (!file) return null;
  return new Response(file.body, {
    headers: {
      "content-type": file.type,
      "cache-control": "public, max-age=31536000, immutable",
      "x-content-type-options": "nosniff",
    },
  });
}
