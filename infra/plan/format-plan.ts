import type { DeclaredResource } from "./run-under-mocks.ts";

const SECRET_SIG = "4dabf18193072939515e22adb298388d"; // Pulumi's marker for a secret value
const CREATOR_API = "pulumi-nodejs:dynamic/402claw:CreatorApi";

/** A planned resource reduced to what a reviewer reads: type, name and key arguments. */
export interface PlanLine {
  type: string;
  name: string;
  args: Record<string, string>;
}

/** The creator APIs of the plan: what callers will pay, to which split, and how it divides. */
export interface PlannedApi {
  slug: string;
  kind: string;
  price: string;
  payTo: string;
  splitter: string;
  creator: string;
  creatorShareBps: number;
  platformWallet: string;
  platformFeeBps: number;
  contentHash: string;
}

/** Splits declared resources into platform lines and creator APIs (components are left out). */
export function summarisePlan(resources: DeclaredResource[]): { platform: PlanLine[]; apis: PlannedApi[] } {
  const platform: PlanLine[] = [];
  const apis: PlannedApi[] = [];
  for (const resource of resources) {
    const inputs = resource.inputs;
    if (resource.type === CREATOR_API) {
      apis.push({
        slug: String(inputs.slug),
        kind: String(inputs.kind),
        price: String(inputs.price),
        payTo: String(inputs.payTo),
        splitter: String(inputs.splitter),
        creator: String(inputs.owner),
        creatorShareBps: Number(inputs.creatorShareBps),
        platformWallet: String(inputs.platformWallet),
        platformFeeBps: Number(inputs.platformFeeBps),
        contentHash: String(inputs.contentHash),
      });
    } else if (!resource.type.startsWith("402claw:")) {
      platform.push({ type: shortType(resource.type), name: resource.name, args: keyArgs(inputs) });
    }
  }
  apis.sort((a, b) => a.slug.localeCompare(b.slug));
  return { platform, apis };
}

function shortType(type: string): string {
  return type.split(":").pop() ?? type;
}

// The arguments that tell one resource from another; bulky or internal ones are summarised.
function keyArgs(inputs: Record<string, unknown>): Record<string, string> {
  const args: Record<string, string> = {};
  for (const key of [
    "name",
    "title",
    "scriptName",
    "hostname",
    "pattern",
    "service",
    "phase",
    "databaseId",
  ]) {
    if (typeof inputs[key] === "string") args[key] = inputs[key] as string;
  }
  if (typeof inputs.content === "string")
    args.content = `${(Buffer.byteLength(inputs.content) / 1024).toFixed(1)} kB`;
  const bindings = unwrapSecret(inputs.bindings);
  if (Array.isArray(bindings)) {
    args.bindings = bindings.map((b: { name: string; type: string }) => `${b.name}(${b.type})`).join(",");
    if (bindings !== inputs.bindings) args.bindings += " [secret]";
  }
  if (Array.isArray(inputs.rules)) args.rules = String(inputs.rules.length);
  if (Array.isArray(inputs.schedules))
    args.schedules = inputs.schedules.map((s: { cron: string }) => `"${s.cron}"`).join(",");
  if (Array.isArray(inputs.files)) args.files = inputs.files.join(",");
  if (inputs.compatibilityDate)
    args.compat =
      `${inputs.compatibilityDate} ${(inputs.compatibilityFlags as string[] | undefined)?.join(",") ?? ""}`.trim();
  return args;
}

function unwrapSecret(value: unknown): unknown {
  return value && typeof value === "object" && SECRET_SIG in value
    ? (value as unknown as { value: unknown }).value
    : value;
}

const percent = (bps: number) => `${(bps / 100).toFixed(2).replace(/\.?0+$/, "")}%`;

/** The plan as text, one resource per line; `payToSource` says how the split addresses were obtained. */
export function formatPlan(
  stack: string,
  resources: DeclaredResource[],
  outputs: Record<string, unknown>,
  payToSource?: string,
): string {
  const { platform, apis } = summarisePlan(resources);
  const lines = [
    `Stack '${stack}': what \`pulumi up\` would declare (under mocks: neither Pulumi nor Cloudflare was contacted)`,
    "",
    `Platform (${platform.length} resources)`,
  ];
  const typeWidth = Math.max(...platform.map((line) => line.type.length));
  const nameWidth = Math.max(...platform.map((line) => line.name.length));
  for (const line of platform) {
    const args = Object.entries(line.args)
      .map(([key, value]) => `${key}=${value}`)
      .join("  ");
    lines.push(`  ${line.type.padEnd(typeWidth)}  ${line.name.padEnd(nameWidth)}  ${args}`);
  }
  lines.push("", `Creator APIs (${apis.length})`);
  if (!apis.length) lines.push(`  none (add a folder under stacks/${stack}/apis/)`);
  else if (payToSource)
    lines.push(`  payTo = each API's own ${apis[0]!.splitter} split; address ${payToSource}`);
  const slugWidth = Math.max(4, ...apis.map((api) => api.slug.length));
  for (const api of apis) {
    lines.push(
      `  ${api.slug.padEnd(slugWidth)}  ${api.kind.padEnd(8)}  ${api.price.padEnd(9)} per call  payTo ${api.payTo}  content ${api.contentHash.slice(0, 12)}`,
      `  ${"".padEnd(slugWidth)}  split: creator ${api.creator} ${percent(api.creatorShareBps)}, platform ${api.platformWallet} ${percent(api.platformFeeBps)}`,
    );
  }
  lines.push("", "Outputs");
  for (const key of ["gatewayUrl", "namespace", "databaseId", "bucketName", "kvNamespaceId"]) {
    lines.push(
      `  ${key.padEnd(13)}  ${String(outputs[key])}  ${key === "gatewayUrl" ? "" : "(assigned by Cloudflare on create)"}`.trimEnd(),
    );
  }
  return lines.join("\n");
}
