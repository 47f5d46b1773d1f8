// The CreatorApi dynamic provider: one creator API folder = one managed resource.
// Pulumi serialises this provider's closure into the state. Its runtime imports are plain
// functions only (Cloudflare client, SQL statement builders); the repository-side work
// (manifest validation, bundling) is loaded at call time through tsx from `toolchainUrl`.

import type * as pulumi from "@pulumi/pulumi";
import type { BuiltApi } from "../../core/build/types.ts";
import { registerApiStatements, retireApiStatement, type SplitRecord } from "../../core/catalog/api-row.ts";
import { apiCacheKey } from "../../runtime/shared/cache-keys.ts";
import { cloudflareContext, DEFAULT_RETRY, type RetryPolicy } from "../cloudflare/api.ts";
import { d1HttpRunner } from "../cloudflare/d1-http-runner.ts";
import { deleteKvKey } from "../cloudflare/kv.ts";
import {
  deleteNamespaceScript,
  namespaceScriptTags,
  scriptUploadForm,
  uploadNamespaceScript,
} from "../cloudflare/namespace-scripts.ts";
import { putR2Object } from "../cloudflare/r2-objects.ts";
import { type CloudflareSdk, cloudflareSdk } from "../cloudflare/sdk.ts";
import { creatorScriptMetadata, HASH_TAG_PREFIX, hashTag } from "./script-metadata.ts";
import type { CreatorApiInputs, CreatorApiOutputs, CreatorToolchain, DeployStage } from "./types.ts";

/** What the provider needs to find the repository and load the toolchain at call time. */
export interface CreatorApiProviderOptions {
  repoRoot: string;
  /** file:// URL of infra/creator-api/toolchain.ts. */
  toolchainUrl: string;
  /** file:// URL of tsx's ESM API (`tsx/esm/api`), used to load the TypeScript toolchain. */
  tsxApiUrl: string;
  /** file:// URL of the `cloudflare` SDK package (cloudflareSdkUrl()), loaded at call time. */
  sdkUrl: string;
  retry?: RetryPolicy;
  /** Tests only: a toolchain to use instead of loading one (never set in a serialised provider). */
  toolchain?: CreatorToolchain;
}

const REQUIRED_INPUTS = [
  "accountId",
  "namespace",
  "databaseId",
  "bucketName",
  "kvNamespaceId",
  "slug",
  "apiDir",
  "payTo",
  "splitter",
  "platformWallet",
  "contentHash",
] as const;
// Changing where the worker lives means a new worker: replace (create new, then delete old).
const REPLACE_ON = ["slug", "accountId", "namespace"] as const;
const UPDATE_ON = [
  "databaseId",
  "bucketName",
  "kvNamespaceId",
  "owner",
  "price",
  "priceAtomic",
  "payTo",
  "apiDir",
  "splitter",
  "platformWallet",
  "platformFeeBps",
  "creatorShareBps",
] as const;

/** True when two sets of secret values are equal (names and values; order does not matter). */
function sameSecrets(a: Record<string, string> = {}, b: Record<string, string> = {}): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((key) => a[key] === b[key]);
}

/** Builds the provider; one instance serves every CreatorApi of a stack. */
export function creatorApiProvider(options: CreatorApiProviderOptions): pulumi.dynamic.ResourceProvider {
  const session: { token?: string } = {};
  const context = (): Promise<CloudflareSdk> =>
    cloudflareSdk(cloudflareContext(session.token, options.retry ?? DEFAULT_RETRY), options.sdkUrl);

  async function toolchain(): Promise<CreatorToolchain> {
    if (options.toolchain) return options.toolchain;
    const { tsImport } = await import(options.tsxApiUrl);
    return tsImport(options.toolchainUrl, options.toolchainUrl);
  }

  async function deploy(
    inputs: CreatorApiInputs,
    previous: CreatorApiOutputs | undefined,
  ): Promise<CreatorApiOutputs> {
    const ctx = await context();
    const tools = await toolchain();
    let built: BuiltApi;
    try {
      built = await tools.buildApiFolder(options.repoRoot, inputs.apiDir);
    } catch (error) {
      // Names the API and (through the build's own message) the file; nothing was sent.
      throw new Error(
        `creator API ${inputs.slug}: build failed, its live version (if any) is unchanged: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
    if (built.contentHash !== inputs.contentHash) {
      throw new Error(
        `${inputs.apiDir} changed since the plan was made (planned ${inputs.contentHash.slice(0, 12)}, built ${built.contentHash.slice(0, 12)}). Fix: run pulumi up again so preview and deploy see the same files`,
      );
    }
    const dataKey = built.data?.key ?? null;
    const unchangedCode =
      previous?.deployedHash === inputs.contentHash &&
      sameSecrets(previous.secrets, inputs.secrets) &&
      previous.bucketName === inputs.bucketName &&
      previous.stage === "complete";
    let stage: DeployStage = "none";
    try {
      if (!unchangedCode) {
        // Data first: its key is content-addressed, so the new worker never points at a missing object.
        if (built.data) {
          await putR2Object(
            ctx,
            { accountId: inputs.accountId, bucket: inputs.bucketName, key: built.data.key },
            built.data.body,
            built.data.contentType,
          );
          stage = "data uploaded";
        }
        const form = scriptUploadForm(
          creatorScriptMetadata(built, inputs.bucketName, inputs.secrets),
          built.modules,
        );
        await uploadNamespaceScript(
          ctx,
          { accountId: inputs.accountId, namespace: inputs.namespace, scriptName: built.workerName },
          form,
        );
        stage = "script uploaded";
      }
      const db = d1HttpRunner(ctx, inputs.accountId, inputs.databaseId);
      // The split's fee and kind go with the row so stats can show each side's share.
      const split = { platformFeeBps: inputs.platformFeeBps, kind: inputs.splitter as SplitRecord["kind"] };
      await db.run(registerApiStatements(built, inputs.payTo, Math.floor(Date.now() / 1000), split));
      stage = "registered";
      await deleteKvKey(ctx, {
        accountId: inputs.accountId,
        namespaceId: inputs.kvNamespaceId,
        key: apiCacheKey(inputs.slug),
      });
      stage = "complete";
    } catch (error) {
      throw partialDeploy(error, inputs, stage, dataKey);
    }
    return {
      ...inputs,
      deployedHash: inputs.contentHash,
      stage,
      dataKey,
      deployedAt: Math.floor(Date.now() / 1000),
    };
  }

  // A failure after something went live is reported with the resource id and a state that
  // marks it unfinished (deployedHash null), so the next `pulumi up` updates and repairs it.
  function partialDeploy(
    error: unknown,
    inputs: CreatorApiInputs,
    stage: DeployStage,
    dataKey: string | null,
  ): Error {
    const reason = error instanceof Error ? error.message : String(error);
    const wrapped = new Error(
      `creator API ${inputs.slug}: deploy stopped after stage "${stage}": ${reason}`,
    ) as Error & {
      id?: string;
      properties?: Record<string, unknown>;
      reasons?: string[];
    };
    if (stage !== "none") {
      wrapped.id = inputs.slug;
      wrapped.properties = {
        ...inputs,
        deployedHash: null,
        stage,
        dataKey,
        deployedAt: Math.floor(Date.now() / 1000),
      };
      wrapped.reasons = [`partially deployed (stage "${stage}"); the next pulumi up finishes it`];
    }
    return wrapped;
  }

  return {
    async configure(request: pulumi.dynamic.ConfigureRequest) {
      const token = request.config.get("cloudflare:apiToken");
      if (token) session.token = token;
    },

    async check(_olds: CreatorApiInputs | undefined, news: CreatorApiInputs) {
      const failures: pulumi.dynamic.CheckFailure[] = [];
      for (const key of REQUIRED_INPUTS) {
        if (typeof news[key] !== "string" || news[key] === "")
          failures.push({ property: key, reason: `${key} is required` });
      }
      if (failures.length) return { failures };
      // A placeholder (the offline plan's) or any non-address must never become a live payTo.
      if (!/^0x[0-9a-fA-F]{40}$/.test(news.payTo)) {
        failures.push({ property: "payTo", reason: `payTo "${news.payTo}" is not an address` });
      }
      if (news.splitter !== "0xsplits-v2") {
        failures.push({
          property: "splitter",
          reason: `splitter "${news.splitter}" is not deployable (0xsplits-v2)`,
        });
      }
      const shares = [news.platformFeeBps, news.creatorShareBps];
      if (!shares.every((bps) => Number.isInteger(bps) && bps > 0) || shares[0]! + shares[1]! !== 10_000) {
        failures.push({
          property: "platformFeeBps",
          reason: `split shares ${news.creatorShareBps} (creator) + ${news.platformFeeBps} (platform) bps must be positive and add up to 10000`,
        });
      }
      const folder = news.apiDir.split("/").pop();
      if (folder !== news.slug) {
        failures.push({
          property: "slug",
          reason: `slug "${news.slug}" differs from its folder ${news.apiDir}`,
        });
      }
      // A declared secret without a value is refused here, naming it (never its value).
      for (const name of news.secretNames ?? []) {
        if (news.secrets?.[name] === undefined) {
          failures.push({
            property: "secrets",
            reason: `secret ${name} has no value. Fix: pulumi config set --secret --path '402claw:apiSecrets.${news.slug}.${name}' <value>`,
          });
        }
      }
      const problems = await (await toolchain()).validateApiFolder(options.repoRoot, news.apiDir);
      for (const problem of problems) failures.push({ property: problem.field, reason: problem.message });
      return failures.length ? { failures } : { inputs: news };
    },

    async diff(_id: string, olds: CreatorApiOutputs, news: CreatorApiInputs) {
      const replaces = REPLACE_ON.filter((key) => olds[key] !== news[key]);
      const changed =
        UPDATE_ON.some((key) => olds[key] !== news[key]) || !sameSecrets(olds.secrets, news.secrets);
      const codeChanged = olds.deployedHash !== news.contentHash || olds.stage !== "complete";
      // Delete first: the old resource's delete retires the catalog row by slug, which after a
      // create-first replacement (same slug, new account or namespace) would retire the new one.
      return {
        changes: replaces.length > 0 || changed || codeChanged,
        replaces,
        deleteBeforeReplace: replaces.length > 0,
      };
    },

    async create(inputs: CreatorApiInputs) {
      const outs = await deploy(inputs, undefined);
      return { id: inputs.slug, outs };
    },

    async update(_id: string, olds: CreatorApiOutputs, news: CreatorApiInputs) {
      return { outs: await deploy(news, olds) };
    },

    async delete(id: string, props: CreatorApiOutputs) {
      const ctx = await context();
      // Already gone counts as deleted: the goal state (no worker) holds.
      await deleteNamespaceScript(ctx, {
        accountId: props.accountId,
        namespace: props.namespace,
        scriptName: props.slug || id,
      });
      const db = d1HttpRunner(ctx, props.accountId, props.databaseId);
      // Retire, never delete: usage and payment rows reference the API.
      await db.run([retireApiStatement(props.slug || id, Math.floor(Date.now() / 1000))]);
      await deleteKvKey(ctx, {
        accountId: props.accountId,
        namespaceId: props.kvNamespaceId,
        key: apiCacheKey(props.slug || id),
      });
    },

    async read(id: string, props: CreatorApiOutputs) {
      const tags = await namespaceScriptTags(await context(), {
        accountId: props.accountId,
        namespace: props.namespace,
        scriptName: props.slug || id,
      });
      // No script: the resource is gone; Pulumi drops it from state on refresh.
      if (tags === null) return {};
      const liveHash = tags.find((tag) => tag.startsWith(HASH_TAG_PREFIX));
      const inSync = props.deployedHash !== null && liveHash === hashTag(props.deployedHash);
      // Changed behind Pulumi's back (or never finished): forget the live hash so diff redeploys.
      return { id, props: inSync ? props : { ...props, deployedHash: null, stage: "drifted" } };
    },
  };
}
