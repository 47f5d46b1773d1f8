import type { ApiManifest } from "../core/manifest/schema.ts";
import type { PlatformConfig } from "./config.ts";

/**
 * The address an API's payments go to. For now the creator's own wallet; a later issue makes it
 * the API's predicted 0xSplits address (creator + platform fee), computed from the same inputs.
 */
export function payToFor(manifest: ApiManifest, _config: PlatformConfig): string {
  return manifest.owner;
}
