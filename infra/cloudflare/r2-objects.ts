import { accountPath } from "./api.ts";
import type { CloudflareSdk } from "./sdk.ts";

/**
 * Writes an object through the R2 REST API with the SDK's `r2.buckets.objects.upload`
 * (`PUT /accounts/{account}/r2/buckets/{bucket}/objects/{key}`, raw body, Content-Type header).
 */
export async function putR2Object(
  sdk: CloudflareSdk,
  target: { accountId: string; bucket: string; key: string },
  body: string,
  contentType: string,
): Promise<void> {
  const label = `PUT ${accountPath(target.accountId, "r2", "buckets", target.bucket, "objects", target.key)}`;
  await sdk.call(label, (client) =>
    client.r2.buckets.objects.upload(
      target.key,
      body,
      { account_id: target.accountId, bucket_name: target.bucket },
      { headers: { "Content-Type": contentType } },
    ),
  );
}
