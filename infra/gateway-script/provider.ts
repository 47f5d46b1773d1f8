// The gateway script's dynamic provider. The Pulumi Cloudflare provider's WorkersScript sends its
// `migrations` on every upload (the second `pulumi up` then fails with 10079) and types outbound
// params as strings where the API takes `[{ name }]`; this provider uploads the script itself,
// remembers the Durable Object migration tag in the state and sends only the migrations that are
// due. Pulumi serialises this closure: runtime imports are plain functions only, and the
// Cloudflare SDK is loaded at call time from `sdkUrl`.

import type * as pulumi from "@pulumi/pulumi";
import { accountPath, cloudflareContext, DEFAULT_RETRY, type RetryPolicy } from "../cloudflare/api.ts";
import { scriptUploadForm } from "../cloudflare/namespace-scripts.ts";
import { type CloudflareSdk, cloudflareSdk } from "../cloudflare/sdk.ts";
import { dueMigrations } from "./migrations.ts";
import type { GatewayScriptInputs, GatewayScriptOutputs } from "./types.ts";

/** Inputs whose change is an in-place upload; a new account or name is a new script. */
const UPLOAD_ON = [
  "mainModule",
  "content",
  "compatibilityDate",
  "compatibilityFlags",
  "bindings",
  "migrations",
] as const;
const REPLACE_ON = ["accountId", "scriptName"] as const;

/** Builds the provider of the GatewayScript resource. */
export function gatewayScriptProvider(options: {
  /** file:// URL of the `cloudflare` SDK package (cloudflareSdkUrl()), loaded at call time. */
  sdkUrl: string;
  retry?: RetryPolicy;
}): pulumi.dynamic.ResourceProvider {
  const session: { token?: string } = {};
  const sdk = (): Promise<CloudflareSdk> =>
    cloudflareSdk(cloudflareContext(session.token, options.retry ?? DEFAULT_RETRY), options.sdkUrl);

  async function upload(
    inputs: GatewayScriptInputs,
    currentTag: string | null,
  ): Promise<GatewayScriptOutputs> {
    const client = await sdk();
    const migrations = dueMigrations(inputs.migrations, currentTag);
    const form = scriptUploadForm(
      {
        main_module: inputs.mainModule,
        compatibility_date: inputs.compatibilityDate,
        compatibility_flags: inputs.compatibilityFlags,
        bindings: inputs.bindings,
        tags: ["402claw", "gateway"],
        observability: { enabled: true },
        ...(migrations ? { migrations } : {}),
      },
      [{ name: inputs.mainModule, content: inputs.content }],
    );
    const path = accountPath(inputs.accountId, "workers", "scripts", inputs.scriptName);
    await client.call(`PUT ${path}`, (c) => c.put(path, { body: form }));
    return { ...inputs, migrationTag: migrations?.new_tag ?? currentTag };
  }

  return {
    async configure(request: pulumi.dynamic.ConfigureRequest) {
      const token = request.config.get("cloudflare:apiToken");
      if (token) session.token = token;
    },

    async check(_olds: GatewayScriptInputs | undefined, news: GatewayScriptInputs) {
      const tags = news.migrations.map((m) => m.tag);
      if (new Set(tags).size !== tags.length) {
        return {
          failures: [{ property: "migrations", reason: `migration tags must be unique: ${tags.join(", ")}` }],
        };
      }
      return { inputs: news };
    },

    async diff(_id: string, olds: GatewayScriptOutputs, news: GatewayScriptInputs) {
      const replaces = REPLACE_ON.filter((key) => olds[key] !== news[key]);
      const changed = UPLOAD_ON.some((key) => JSON.stringify(olds[key]) !== JSON.stringify(news[key]));
      return { changes: replaces.length > 0 || changed, replaces, deleteBeforeReplace: false };
    },

    async create(inputs: GatewayScriptInputs) {
      return { id: inputs.scriptName, outs: await upload(inputs, null) };
    },

    async update(_id: string, olds: GatewayScriptOutputs, news: GatewayScriptInputs) {
      return { outs: await upload(news, olds.migrationTag ?? null) };
    },

    async delete(id: string, props: GatewayScriptOutputs) {
      const client = await sdk();
      const name = props.scriptName || id;
      // force: the script owns a Durable Object namespace (the ledgers go with it).
      await client.call(
        `DELETE ${accountPath(props.accountId, "workers", "scripts", name)}`,
        (c) => c.workers.scripts.delete(name, { account_id: props.accountId, force: true }),
        { allowNotFound: true },
      );
    },

    // Refresh learns the live migration tag, so an upload after a change made outside Pulumi
    // (e.g. a wrangler deploy) still sends the right old_tag.
    async read(id: string, props: GatewayScriptOutputs) {
      const client = await sdk();
      const name = props.scriptName || id;
      const answer = await client.call(
        `GET ${accountPath(props.accountId, "workers", "scripts")}`,
        async (c) => (await c.workers.scripts.list({ account_id: props.accountId })).getPaginatedItems(),
      );
      const live = (answer.result ?? []).find((script) => script.id === name);
      if (!live) return {};
      return { id, props: { ...props, migrationTag: live.migration_tag ?? null } };
    },
  };
}
