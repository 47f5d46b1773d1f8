import { accountPath } from "./api.ts";
import type { CloudflareSdk } from "./sdk.ts";

/** Deletes one KV key (SDK `kv.namespaces.values.delete`); a missing key is fine, a missing namespace is an error. */
export async function deleteKvKey(
  sdk: CloudflareSdk,
  target: { accountId: string; namespaceId: string; key: string },
): Promise<void> {
  const label = `DELETE ${accountPath(target.accountId, "storage", "kv", "namespaces", target.namespaceId, "values", target.key)}`;
  await sdk.call(label, (client) =>
    client.kv.namespaces.values.delete(target.key, {
      account_id: target.accountId,
      namespace_id: target.namespaceId,
    }),
  );
}
