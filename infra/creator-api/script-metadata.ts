import { BINDINGS } from "../../core/bindings.ts";
import type { BuiltApi } from "../../core/build/types.ts";
import type { ScriptBinding, ScriptMetadata } from "../cloudflare/namespace-scripts.ts";

/** Tag prefix carrying the deployed content hash; `read` compares it to detect drift. */
export const HASH_TAG_PREFIX = "hash=";
const HASH_TAG_LENGTH = 32;

/** Tags naming the API, its creator and the content hash (queryable in the namespace). */
export function creatorTags(slug: string, owner: string, contentHash: string): string[] {
  return ["402claw", `slug=${slug}`, `creator=${owner.toLowerCase()}`, hashTag(contentHash)];
}

/** The tag for a content hash (truncated: 128 bits is plenty to notice a change). */
export function hashTag(contentHash: string): string {
  return HASH_TAG_PREFIX + contentHash.slice(0, HASH_TAG_LENGTH);
}

/**
 * Upload metadata of a creator worker: module entry, compatibility, bindings (vars as plain_text,
 * the API's secrets as secret_text), tags. The secrets go only into this upload.
 */
export function creatorScriptMetadata(
  built: BuiltApi,
  bucketName: string,
  secrets: Record<string, string> = {},
): ScriptMetadata {
  const bindings: ScriptBinding[] = Object.entries(built.vars).map(([name, text]) => ({
    type: "plain_text",
    name,
    text,
  }));
  for (const [name, text] of Object.entries(secrets)) bindings.push({ type: "secret_text", name, text });
  if (built.data) bindings.push({ type: "r2_bucket", name: BINDINGS.data, bucket_name: bucketName });
  return {
    main_module: built.mainModule,
    compatibility_date: built.compatibilityDate,
    compatibility_flags: built.compatibilityFlags,
    bindings,
    tags: creatorTags(built.slug, built.manifest.owner, built.contentHash),
  };
}
