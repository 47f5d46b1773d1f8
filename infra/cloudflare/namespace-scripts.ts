import type Cloudflare from "cloudflare";
import { accountPath } from "./api.ts";
import type { CloudflareSdk } from "./sdk.ts";

/** Where a user worker lives: a script in a Workers for Platforms dispatch namespace. */
export interface NamespaceScriptRef {
  accountId: string;
  namespace: string;
  scriptName: string;
}

type UploadMetadata = Cloudflare.WorkersForPlatforms.Dispatch.Namespaces.ScriptUpdateParams.Metadata;

/** Binding shapes of the multipart metadata, as the SDK (Cloudflare's OpenAPI) types them. */
export type ScriptBinding = NonNullable<UploadMetadata["bindings"]>[number];

/** The `metadata` part of a module-worker upload (the fields we send, typed by the SDK). */
export type ScriptMetadata = Required<
  Pick<UploadMetadata, "main_module" | "compatibility_date" | "compatibility_flags" | "bindings" | "tags">
> &
  Pick<UploadMetadata, "migrations" | "observability">;

/** An ES module part of the upload. */
export interface ScriptModule {
  name: string;
  content: string;
}

function scriptPath(ref: NamespaceScriptRef, ...rest: string[]): string {
  return accountPath(
    ref.accountId,
    "workers",
    "dispatch",
    "namespaces",
    ref.namespace,
    "scripts",
    ref.scriptName,
    ...rest,
  );
}

/**
 * The multipart body Cloudflare documents for module workers: a `metadata` field (JSON) and one
 * part per module, named by its file name, typed `application/javascript+module` (or
 * `text/x-python` for a Python Worker's `.py` modules).
 */
export function scriptUploadForm(metadata: ScriptMetadata, modules: ScriptModule[]): FormData {
  const form = new FormData();
  form.set("metadata", JSON.stringify(metadata));
  for (const module of modules) {
    const type = module.name.endsWith(".py") ? "text/x-python" : "application/javascript+module";
    form.set(module.name, new Blob([module.content], { type }), module.name);
  }
  return form;
}

/**
 * Uploads (creates or replaces) a user worker in the namespace. The body is sent as built: the
 * SDK's generated multipart encoder (7.x) flattens `metadata` into bracketed fields and renames
 * module parts (cloudflare-typescript issue #2799), which the API rejects; its raw `put` passes a
 * FormData through untouched.
 */
export async function uploadNamespaceScript(
  sdk: CloudflareSdk,
  ref: NamespaceScriptRef,
  form: FormData,
): Promise<void> {
  const path = scriptPath(ref);
  await sdk.call(`PUT ${path}`, (client) => client.put(path, { body: form }));
}

/** Deletes a user worker; returns false when it was already gone (which is success). */
export async function deleteNamespaceScript(sdk: CloudflareSdk, ref: NamespaceScriptRef): Promise<boolean> {
  const answer = await sdk.call(
    `DELETE ${scriptPath(ref)}`,
    (client) =>
      client.workersForPlatforms.dispatch.namespaces.scripts.delete(ref.scriptName, {
        account_id: ref.accountId,
        dispatch_namespace: ref.namespace,
      }),
    { allowNotFound: true },
  );
  return answer.found;
}

/** The script's tags, or null when the script does not exist. */
export async function namespaceScriptTags(
  sdk: CloudflareSdk,
  ref: NamespaceScriptRef,
): Promise<string[] | null> {
  const answer = await sdk.call(
    `GET ${scriptPath(ref, "tags")}`,
    async (client) =>
      (
        await client.workersForPlatforms.dispatch.namespaces.scripts.tags.list(ref.scriptName, {
          account_id: ref.accountId,
          dispatch_namespace: ref.namespace,
        })
      ).getPaginatedItems(),
    { allowNotFound: true },
  );
  return answer.found ? (answer.result ?? []) : null;
}
