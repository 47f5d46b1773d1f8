import { existsSync } from "node:fs";
import { join } from "node:path";
import { ConfigError, ManifestError } from "../core/errors.ts";
import { devVarsLabel, readDevVars } from "../core/manifest/dev-vars.ts";
import type { LoadedApi } from "../core/manifest/load.ts";
import type { ApiManifest } from "../core/manifest/schema.ts";
import { CONFIG_NAMESPACE } from "./config.ts";
import { readStackConfig } from "./plan/stack-config.ts";

/** The stack setting holding creator APIs' secret values: `402claw:apiSecrets.<slug>.<NAME>`. */
export const API_SECRETS_KEY = "apiSecrets";

/**
 * Secret values per API (slug → NAME → value). A value Pulumi could not decrypt (the offline
 * plan reads the stack file as `{ secure: … }`) counts as set: only its presence matters there.
 */
export type ApiSecretValues = Record<string, Record<string, string>>;

/** Reads `402claw:apiSecrets` as Pulumi hands it to a program (an object, or its JSON text). */
export function readApiSecrets(raw: unknown): ApiSecretValues {
  const parsed = typeof raw === "string" ? safeJson(raw) : raw;
  if (parsed === undefined || parsed === null) return {};
  if (typeof parsed !== "object" || Array.isArray(parsed)) throw notAMapping(API_SECRETS_KEY);
  const result: ApiSecretValues = {};
  for (const [slug, names] of Object.entries(parsed as Record<string, unknown>)) {
    if (!names || typeof names !== "object" || Array.isArray(names))
      throw notAMapping(`${API_SECRETS_KEY}.${slug}`);
    result[slug] = {};
    for (const [name, value] of Object.entries(names as Record<string, unknown>)) {
      if (typeof value === "string") result[slug][name] = value;
      else if (value && typeof value === "object" && "secure" in value) result[slug][name] = "[secret]";
      else throw notAMapping(`${API_SECRETS_KEY}.${slug}.${name}`);
    }
  }
  return result;
}

/** The secrets an API declares that have no value in the stack, each named with its fix. */
export function missingApiSecrets(manifest: ApiManifest, values: ApiSecretValues): string[] {
  return (manifest.secrets ?? [])
    .filter((name) => values[manifest.slug]?.[name] === undefined)
    .map((name) => {
      const key = `${CONFIG_NAMESPACE}:${API_SECRETS_KEY}.${manifest.slug}.${name}`;
      return `secret ${name} has no value (${key}). Fix: pulumi config set --secret --path '${key}' <value>`;
    });
}

/** The declared secrets' values of one API (only the declared names). */
export function secretsOf(manifest: ApiManifest, values: ApiSecretValues): Record<string, string> {
  const set = values[manifest.slug] ?? {};
  return Object.fromEntries(
    (manifest.secrets ?? []).filter((name) => set[name] !== undefined).map((name) => [name, set[name]!]),
  );
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw notAMapping(API_SECRETS_KEY);
  }
}

function notAMapping(path: string): ConfigError {
  return new ConfigError(
    `${CONFIG_NAMESPACE}:${path}`,
    "must be a mapping of API slugs to secret names to values",
    `set each one with pulumi config set --secret --path '${CONFIG_NAMESPACE}:${API_SECRETS_KEY}.<slug>.<NAME>' <value>`,
  );
}

/** The secret values `Pulumi.<stack>.yaml` holds (encrypted ones count as set); {} without the file. */
export function stackApiSecrets(root: string, stack: string): ApiSecretValues {
  if (!existsSync(join(root, `Pulumi.${stack}.yaml`))) return {};
  return readApiSecrets(readStackConfig(root, stack).values[`${CONFIG_NAMESPACE}:${API_SECRETS_KEY}`]);
}

/**
 * For `402claw validate`: a ManifestError naming each declared secret with a value in neither the
 * stack (`402claw:apiSecrets`, for deploys) nor the folder's `.dev.vars` (for the local stack).
 */
export function secretsWithoutValue(api: LoadedApi, stackValues: ApiSecretValues): ManifestError[] {
  const local = readDevVars(api);
  const { slug, secrets = [] } = api.manifest;
  return secrets
    .filter((name) => stackValues[slug]?.[name] === undefined && local[name] === undefined)
    .map(
      (name) =>
        new ManifestError(
          api.file,
          "secrets",
          `${name} has no value`,
          `deployed: pulumi config set --secret --path '${CONFIG_NAMESPACE}:${API_SECRETS_KEY}.${slug}.${name}' <value>; local: add ${name}=… to ${devVarsLabel(api)}`,
        ),
    );
}
