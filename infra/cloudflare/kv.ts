import { accountPath, type CloudflareContext, cloudflareRequest } from "./api.ts";

/** Deletes one KV key (`DELETE .../storage/kv/namespaces/{ns}/values/{key}`); a missing key is fine, a missing namespace is an error. */
export async function deleteKvKey(
  ctx: CloudflareContext,
  target: { accountId: string; namespaceId: string; key: string },
): Promise<void> {
  await cloudflareRequest(ctx, {
    method: "DELETE",
    path: accountPath(
      target.accountId,
      "storage",
      "kv",
      "namespaces",
      target.namespaceId,
      "values",
      target.key,
    ),
  });
}
