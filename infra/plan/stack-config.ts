import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { ConfigError } from "../../core/errors.ts";

/** A stack file's config as Pulumi hands it to a program: strings, mappings as JSON, secrets opaque. */
export interface StackConfigValues {
  values: Record<string, string>;
  secretKeys: string[];
}

/** Reads `Pulumi.<stack>.yaml` the way Pulumi presents it to the program (no decryption offline). */
export function readStackConfig(root: string, stack: string): StackConfigValues {
  const file = join(root, `Pulumi.${stack}.yaml`);
  if (!existsSync(file)) {
    throw new ConfigError(
      `Pulumi.${stack}.yaml`,
      "does not exist",
      `copy Pulumi.dev.yaml to Pulumi.${stack}.yaml and edit it`,
    );
  }
  const document = (parse(readFileSync(file, "utf8")) ?? {}) as { config?: Record<string, unknown> };
  const values: Record<string, string> = {};
  const secretKeys: string[] = [];
  for (const [key, value] of Object.entries(document.config ?? {})) {
    if (value && typeof value === "object" && "secure" in value) {
      values[key] = "[secret]"; // encrypted: only its presence matters offline
      secretKeys.push(key);
    } else values[key] = typeof value === "string" ? value : JSON.stringify(value);
  }
  return { values, secretKeys };
}
