import { accountPath, type CloudflareContext, cloudflareRequest } from "./api.ts";

/**
 * Writes an object through the R2 REST endpoint wrangler uses for `r2 object put --remote`
 * (`PUT /accounts/{account}/r2/buckets/{bucket}/objects/{key}`, raw body, Content-Type header).
 */
export async function putR2Object(
  ctx: CloudflareContext,
  target: { accountId: string; bucket: string; key: string },
  body: string,
  contentType: string,
): Promise<void> {
  const keySegments = target.key.split("/");
  await cloudflareRequest(ctx, {
    method: "PUT",
    path: accountPath(target.accountId, "r2", "buckets", target.bucket, "objects", ...keySegments),
    body,
    contentType,
  });
}
