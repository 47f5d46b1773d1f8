import { accountPath, type CloudflareContext, cloudflareRequest } from "./api.ts";

/** Where a user worker lives: a script in a Workers for Platforms dispatch namespace. */
export interface NamespaceScriptRef {
  accountId: string;
  namespace: string;
  scriptName: string;
}

/** Binding shapes of the multipart metadata (Cloudflare's snake_case field names). */
export type ScriptBinding =
  | { type: "plain_text"; name: string; text: string }
  | { type: "r2_bucket"; name: string; bucket_name: string };

/** The `metadata` part of a module-worker upload. */
export interface ScriptMetadata {
  main_module: string;
  compatibility_date: string;
  compatibility_flags: string[];
  bindings: ScriptBinding[];
  tags: string[];
}

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
 * part per module, named by its file name, typed `application/javascript+module`.
 */
export function scriptUploadForm(metadata: ScriptMetadata, modules: ScriptModule[]): FormData {
  const form = new FormData();
  form.set("metadata", JSON.stringify(metadata));
  for (const module of modules) {
    form.set(module.name, new Blob([module.content], { type: "application/javascript+module" }), module.name);
  }
  return form;
}

/** Uploads (creates or replaces) a user worker in the namespace. */
export async function uploadNamespaceScript(
  ctx: CloudflareContext,
  ref: NamespaceScriptRef,
  form: FormData,
): Promise<void> {
  await cloudflareRequest(ctx, { method: "PUT", path: scriptPath(ref), body: form });
}

/** Deletes a user worker; returns false when it was already gone (which is success). */
export async function deleteNamespaceScript(
  ctx: CloudflareContext,
  ref: NamespaceScriptRef,
): Promise<boolean> {
  const answer = await cloudflareRequest(ctx, {
    method: "DELETE",
    path: scriptPath(ref),
    allowNotFound: true,
  });
  return answer.found;
}

/** The script's tags, or null when the script does not exist. */
export async function namespaceScriptTags(
  ctx: CloudflareContext,
  ref: NamespaceScriptRef,
): Promise<string[] | null> {
  const answer = await cloudflareRequest<string[]>(ctx, {
    method: "GET",
    path: scriptPath(ref, "tags"),
    allowNotFound: true,
  });
  return answer.found ? (answer.result ?? []) : null;
}
