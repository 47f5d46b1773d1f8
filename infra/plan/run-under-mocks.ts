import * as pulumi from "@pulumi/pulumi";
import { API_SECRETS_KEY, readApiSecrets } from "../api-secrets.ts";
import { CONFIG_NAMESPACE, loadPlatformConfig } from "../config.ts";
import { platformSecrets } from "../platform-secrets.ts";
import { definePlatform, type ProgramOptions } from "../program.ts";

/** A resource the program declared, as the engine would receive it. */
export interface DeclaredResource {
  type: string;
  name: string;
  inputs: Record<string, unknown>;
}

export interface MockRunOptions
  extends Pick<ProgramOptions, "root" | "stack" | "bundle" | "build" | "splitPredictor"> {
  /** Raw config as Pulumi presents it (`402claw:key` → string; mappings as JSON). */
  values: Record<string, string>;
  secretKeys?: string[];
  /** The offline plan: accept the template's placeholder ids and wallet (see LoadOptions). */
  allowPlaceholders?: boolean;
}

// What Cloudflare would fill in on create, so dependent inputs show real-looking wiring.
function mockState(args: pulumi.runtime.MockResourceArgs): Record<string, unknown> {
  const inputs = args.inputs as Record<string, unknown>;
  if (args.type === "cloudflare:index/d1Database:D1Database") return { ...inputs, uuid: `${args.name}-uuid` };
  if (args.type.endsWith(":WorkersForPlatformsDispatchNamespace"))
    return { ...inputs, namespaceName: inputs.name };
  return inputs;
}

/**
 * Runs the real program under `pulumi.runtime.setMocks` (no engine, no Cloudflare) and returns
 * every resource it declared plus the stack outputs. One run per process at a time.
 */
export async function runProgramUnderMocks(options: MockRunOptions) {
  const resources: DeclaredResource[] = [];
  pulumi.runtime.setAllConfig(options.values, options.secretKeys);
  await pulumi.runtime.setMocks(
    {
      newResource(args) {
        resources.push({ type: args.type, name: args.name, inputs: args.inputs as Record<string, unknown> });
        return { id: `${args.name}-id`, state: mockState(args) };
      },
      call: (args) => args.inputs,
    },
    "402claw",
    options.stack,
    true,
  );
  const settings = new pulumi.Config(CONFIG_NAMESPACE);
  const config = loadPlatformConfig((key) => settings.get(key), options.stack, Object.keys(options.values), {
    allowPlaceholders: options.allowPlaceholders ?? false,
  });
  const outputs = await definePlatform({
    ...options,
    config,
    // The same secrets and checks as infra/index.ts, from these values only (no environment).
    ...platformSecrets((key) => settings.get(key), config, {}),
    apiSecrets: readApiSecrets(options.values[`${CONFIG_NAMESPACE}:${API_SECRETS_KEY}`]),
  });
  const resolved = await new Promise<Record<string, unknown>>((resolve) =>
    pulumi.output(outputs).apply((value) => resolve(value as Record<string, unknown>)),
  );
  await pulumi.runtime.disconnect(); // waits until every registration reached the mocks
  return { resources, outputs: resolved };
}
