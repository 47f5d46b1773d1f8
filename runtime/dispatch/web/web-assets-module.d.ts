// Resolved at bundle time by core/build/web-assets-plugin.ts (only the worker entry imports it).
declare module "402claw:web-assets" {
  const assets: import("./web-assets.ts").WebAssets;
  export default assets;
}
