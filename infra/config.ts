import { getAddress, isAddress } from "viem";
import { z } from "zod";
import { DEV_ACCOUNTS } from "../chain/accounts.ts";
import { LOCAL_RECEIVER_AUTHORIZER } from "../chain/batch-settlement.ts";
import { ConfigError } from "../core/errors.ts";
import { DEFAULT_GATEWAY_CRON } from "../core/gateway-cron.ts";
import { RATE_LIMIT_PERIODS, rateLimitPlanProblems, ZONE_PLANS } from "./platform/zone-plan-limits.ts";

/** Pulumi config namespace of this project (`402claw:<key>` in Pulumi.<stack>.yaml). */
export const CONFIG_NAMESPACE = "402claw";

const hex32 = z.string().regex(/^[0-9a-f]{32}$/, { message: "must be a 32-character lowercase hex id" });
const address = z
  .string()
  .refine((value) => isAddress(value, { strict: false }) && getAddress(value) === value, {
    message: "must be an EIP-55 checksummed 0x address",
  });
// Loopback http is allowed so a team can point preview at its own node or an anvil fork.
const rpcUrl = z.url({ message: "must be a URL" }).refine(
  (value) => {
    if (!URL.canParse(value)) return true; // z.url has reported it
    const url = new URL(value);
    return (
      url.protocol === "https:" ||
      (url.protocol === "http:" && ["127.0.0.1", "localhost", "[::1]"].includes(url.hostname))
    );
  },
  { message: "must be an https:// URL (http:// only for 127.0.0.1 or localhost)" },
);
// Both recipients of a split need a share: 0 or 10000 bps is not a split (splits/split-terms.ts).
const feeBps = z.coerce.number().int().min(1).max(9_999);
// Five-field cron as Cloudflare Cron Triggers accept it (minute hour day month weekday).
const cron = z
  .string()
  .trim()
  .regex(/^\S+( \S+){4}$/, { message: 'must be a five-field cron expression such as "*/5 * * * *"' });
const hostname = z.string().regex(/^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/, {
  message: "must be a lowercase DNS hostname such as api.example.com",
});

/** Every platform setting of a stack, validated at program start. */
export const platformConfigSchema = z.strictObject({
  accountId: hex32,
  zoneId: hex32,
  /** The zone's plan: decides which rate limiting periods, timeouts and fields are allowed. */
  zonePlan: z.enum(ZONE_PLANS, { message: `must be one of ${ZONE_PLANS.join(", ")}` }),
  hostname,
  /** Shown to agents (OpenAPI `info.title`, llms.txt, the MCP server's name). */
  marketplaceName: z.string().min(1).max(80).optional(),
  /** OpenAPI `info.contact`: an email address or an https URL. */
  contact: z
    .union([z.email(), z.url({ protocol: /^https$/ })], {
      message: "must be an email address or an https:// URL",
    })
    .optional(),
  routeMode: z.enum(["customDomain", "route"]).default("customDomain"),
  resourcePrefix: z
    .string()
    .regex(/^[a-z0-9][a-z0-9-]{1,40}$/, { message: "must be lowercase letters, digits and dashes" })
    .optional(),
  network: z.string().regex(/^eip155:\d+$/, { message: "must be a CAIP-2 EVM network such as eip155:8453" }),
  asset: address,
  assetName: z.string().min(1),
  assetVersion: z.string().min(1),
  facilitatorUrl: z.url({ protocol: /^https$/, message: "must be an https:// URL" }),
  /** JSON-RPC endpoint of `network`: split prediction at deploy and the gateway's reconciliation. */
  rpcUrl,
  platformFeeBps: feeBps,
  /** Bounds of a per-API `platformFeeBps` in api.yaml; both default to the stack fee (no overrides). */
  platformFeeBpsMin: feeBps.optional(),
  platformFeeBpsMax: feeBps.optional(),
  platformWallet: address,
  /** How long a quote (and the authorization paying it) stays valid, in seconds. */
  maxTimeoutSeconds: z.coerce.number().int().min(10).max(3_600).default(60),
  /** When the gateway's scheduled handler reconciles payments whose outcome is unknown. */
  reconcileCron: cron.default(DEFAULT_GATEWAY_CRON),
  maxBodyBytes: z.coerce
    .number()
    .int()
    .min(1_024)
    .max(100 * 1024 * 1024)
    .default(1024 * 1024),
  protectData: z.stringbool().default(true),
  rateLimit: z.strictObject({
    enabled: z.boolean().default(true),
    requestsPerPeriod: z.number().int().min(1),
    periodSeconds: z.number().refine((value) => (RATE_LIMIT_PERIODS as readonly number[]).includes(value), {
      message: `must be one of ${RATE_LIMIT_PERIODS.join(", ")} (and allowed by the zone's plan)`,
    }),
    mitigationTimeoutSeconds: z.number().int().min(0).max(86_400).default(10),
    scope: z.enum(["host", "zone"]).default("host"),
  }),
  egressRateLimit: z.strictObject({
    namespaceId: z
      .string()
      .regex(/^\d+$/, { message: "must be a positive integer as a string, unique in the account" }),
    limit: z.number().int().min(1),
    periodSeconds: z.union([z.literal(10), z.literal(60)]),
  }),
  waf: z.strictObject({
    enabled: z.boolean().default(true),
    allowedMethods: z.array(z.enum(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"])).min(1),
    blockedPathPatterns: z
      .array(
        z
          .string()
          .min(1)
          .regex(/^[^"\\]+$/, { message: "must not contain quotes or backslashes" }),
      )
      .default([]),
    maxBodyBytes: z.number().int().min(0).default(0),
  }),
});

export type PlatformConfig = Omit<
  z.output<typeof platformConfigSchema>,
  "platformFeeBpsMin" | "platformFeeBpsMax"
> & {
  resourcePrefix: string;
  stack: string;
  platformFeeBpsMin: number;
  platformFeeBpsMax: number;
};

const OBJECT_KEYS = ["rateLimit", "egressRateLimit", "waf"] as const;
const FIXES: Record<string, string> = {
  accountId:
    "copy the account id from the Cloudflare dashboard (Workers & Pages, right column) into 402claw:accountId",
  zoneId: "copy the zone id of the gateway's domain (domain overview, right column) into 402claw:zoneId",
  zonePlan:
    "set 402claw:zonePlan to the zone's plan (free, pro, business or enterprise; domain overview, Plan)",
  hostname: "set 402claw:hostname to the gateway host inside that zone, e.g. api.example.com",
  network: "use eip155:84532 (Base Sepolia) for dev and eip155:8453 (Base) for prod",
  asset: "use the USDC contract of the network (checksummed)",
  facilitatorUrl: "point 402claw:facilitatorUrl at an https x402 facilitator",
  rpcUrl:
    "set 402claw:rpcUrl to a JSON-RPC endpoint of the network (your own provider; public: https://sepolia.base.org, https://mainnet.base.org)",
  platformFeeBps: "use whole basis points from 1 to 9999 (500 = 5%); creator and platform both need a share",
  platformFeeBpsMin: "use whole basis points from 1 to 9999, at most 402claw:platformFeeBps",
  platformFeeBpsMax: "use whole basis points from 1 to 9999, at least 402claw:platformFeeBps",
  maxTimeoutSeconds: "use whole seconds from 10 to 3600",
  reconcileCron: 'write a cron schedule such as "*/5 * * * *" (every five minutes)',
  platformWallet: "set the platform's checksummed wallet address",
  rateLimit:
    "see the rateLimit block in Pulumi.dev.yaml and docs/deploy-to-cloudflare.md (periods and timeouts per zone plan)",
  egressRateLimit: "see the egressRateLimit block in Pulumi.dev.yaml (periodSeconds 10 or 60)",
  waf: "see the waf block in Pulumi.dev.yaml",
};

/** Settings that are read elsewhere (secrets) and so are not part of the schema. */
const SECRET_KEYS = ["facilitatorAuth", "adminToken", "authSecret", "receiverAuthorizerKey", "apiSecrets"];
/** Shortest admin token accepted: it guards ledger reads and reconciliation on the public gateway. */
export const MIN_ADMIN_TOKEN_LENGTH = 32;

/**
 * Reads the raw values (`get` returns Pulumi's string form) and validates them; throws
 * ConfigError naming the key. `allKeys` (every configured key) lets typos fail loudly.
 */
export function loadPlatformConfig(
  get: (key: string) => string | undefined,
  stack: string,
  allKeys: string[] = [],
  options: LoadOptions = {},
): PlatformConfig {
  const known = [...Object.keys(platformConfigSchema.shape), ...SECRET_KEYS];
  for (const key of allKeys) {
    const [namespace, name = ""] = key.split(":");
    if (namespace === CONFIG_NAMESPACE && !known.includes(name)) {
      throw new ConfigError(key, "is not a 402claw setting", `remove it or use one of: ${known.join(", ")}`);
    }
  }
  const raw: Record<string, unknown> = {};
  for (const key of Object.keys(platformConfigSchema.shape)) {
    const value = get(key);
    if (value === undefined) continue;
    if ((OBJECT_KEYS as readonly string[]).includes(key)) {
      try {
        raw[key] = JSON.parse(value);
      } catch {
        throw new ConfigError(
          `${CONFIG_NAMESPACE}:${key}`,
          "is not a YAML mapping",
          FIXES[key] ?? "write it as a mapping",
        );
      }
    } else raw[key] = value;
  }
  const parsed = platformConfigSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const path = issue.path.map(String).join(".");
    const top = String(issue.path[0] ?? "");
    const missing =
      (issue.code === "invalid_type" && issue.input === undefined) ||
      (issue.path.length === 1 && raw[top] === undefined);
    const problem = missing ? "is required" : issue.message;
    throw new ConfigError(
      `${CONFIG_NAMESPACE}:${path}`,
      problem,
      FIXES[top] ?? `set ${CONFIG_NAMESPACE}:${path} in Pulumi.${stack}.yaml`,
    );
  }
  const { platformFeeBps } = parsed.data;
  const platformFeeBpsMin = parsed.data.platformFeeBpsMin ?? platformFeeBps;
  const platformFeeBpsMax = parsed.data.platformFeeBpsMax ?? platformFeeBps;
  if (platformFeeBpsMin > platformFeeBps) {
    throw new ConfigError(
      `${CONFIG_NAMESPACE}:platformFeeBpsMin`,
      `${platformFeeBpsMin} is above the stack fee 402claw:platformFeeBps (${platformFeeBps})`,
      FIXES.platformFeeBpsMin!,
    );
  }
  if (platformFeeBpsMax < platformFeeBps) {
    throw new ConfigError(
      `${CONFIG_NAMESPACE}:platformFeeBpsMax`,
      `${platformFeeBpsMax} is below the stack fee 402claw:platformFeeBps (${platformFeeBps})`,
      FIXES.platformFeeBpsMax!,
    );
  }
  for (const problem of rateLimitPlanProblems(parsed.data.zonePlan, parsed.data.rateLimit)) {
    throw new ConfigError(
      `${CONFIG_NAMESPACE}:rateLimit.${problem.field}`,
      `${problem.problem} (402claw:zonePlan is ${parsed.data.zonePlan})`,
      problem.fix,
    );
  }
  checkDeployable(parsed.data, options);
  return {
    ...parsed.data,
    platformFeeBpsMin,
    platformFeeBpsMax,
    resourcePrefix: parsed.data.resourcePrefix ?? `402claw-${stack}`,
    stack,
  };
}

/** How strict loading is. */
export interface LoadOptions {
  /**
   * The offline `402claw plan` only: accept the template's placeholder ids and wallet (zeros), so
   * a fresh fork can be planned before it has an account. `pulumi up` never sets it.
   */
  allowPlaceholders?: boolean;
}

/** The local chain (anvil): the only network where anvil's well-known accounts may receive money. */
export const LOCAL_NETWORK = "eip155:31337";
const PLACEHOLDER_ID = "0".repeat(32);
/** The template's platform wallet: the conventional burn address, so nothing could ever be taken. */
export const PLACEHOLDER_WALLET = "0x000000000000000000000000000000000000dEaD";
const WELL_KNOWN = new Map(DEV_ACCOUNTS.map((account) => [account.address.toLowerCase(), account.index]));

/** Index of anvil's well-known development account at `address`, or undefined. */
export function wellKnownDevAccount(address: string): number | undefined {
  return WELL_KNOWN.get(address.toLowerCase());
}

// Values that validate but must never reach a real deploy: the template's zeros and anvil's
// accounts (whose private keys are published, so anyone could take what they receive).
function checkDeployable(config: z.output<typeof platformConfigSchema>, options: LoadOptions): void {
  const devIndex = wellKnownDevAccount(config.platformWallet);
  if (devIndex !== undefined && config.network !== LOCAL_NETWORK) {
    throw new ConfigError(
      `${CONFIG_NAMESPACE}:platformWallet`,
      `${config.platformWallet} is anvil's well-known development account #${devIndex}: its private key is public, so anyone could take the platform's fees on ${config.network}`,
      "set a wallet you control (a multisig for prod)",
    );
  }
  if (options.allowPlaceholders) return;
  for (const key of ["accountId", "zoneId"] as const) {
    if (config[key] === PLACEHOLDER_ID) {
      throw new ConfigError(
        `${CONFIG_NAMESPACE}:${key}`,
        "is still the template's placeholder (all zeros)",
        FIXES[key]!,
      );
    }
  }
  if (config.platformWallet === PLACEHOLDER_WALLET) {
    throw new ConfigError(
      `${CONFIG_NAMESPACE}:platformWallet`,
      `is still the template's placeholder (${PLACEHOLDER_WALLET}, a burn address)`,
      "set the wallet that receives the platform fee (a multisig for prod)",
    );
  }
}

/**
 * Checks a gateway secret's plain value (from `402claw:<key>` or its environment variable) before
 * it is bound; `source` names where it came from. Unset is fine: the endpoints it guards are off.
 */
export function checkGatewaySecret(value: string | undefined, source: string, key: GatewaySecret): void {
  if (value === undefined) return;
  if (value.length < MIN_ADMIN_TOKEN_LENGTH || /\s/.test(value)) {
    throw new ConfigError(
      source,
      `must be at least ${MIN_ADMIN_TOKEN_LENGTH} characters without spaces`,
      `generate one with \`openssl rand -hex 32\` and store it with \`pulumi config set --secret 402claw:${key}\``,
    );
  }
}

/** Gateway secrets and the environment variable each may come from instead of the stack. */
export const GATEWAY_SECRETS = { adminToken: "ADMIN_TOKEN", authSecret: "AUTH_SECRET" } as const;
export type GatewaySecret = keyof typeof GATEWAY_SECRETS;

/** The admin token's check (kept by name: the CLI and docs call it that). */
export function checkAdminToken(value: string | undefined, source: string): void {
  checkGatewaySecret(value, source, "adminToken");
}

/** Keys whose private half is published (anvil's accounts, the local receiver authorizer). */
const PUBLIC_KEYS = new Set(
  [...DEV_ACCOUNTS.map((account) => account.privateKey), LOCAL_RECEIVER_AUTHORIZER.privateKey].map((key) =>
    key.toLowerCase(),
  ),
);

/**
 * Checks the batch-settlement receiver-authorizer key (from `402claw:receiverAuthorizerKey` or
 * RECEIVER_AUTHORIZER_KEY): a 32-byte hex private key, and never a published one off the local
 * chain (whoever holds it can sign the claims and refunds of every payment channel).
 */
export function checkReceiverAuthorizerKey(value: string | undefined, source: string, network: string): void {
  if (value === undefined) return;
  const fix =
    "generate one with `openssl rand -hex 32`, prefix it with 0x and store it with `pulumi config set --secret 402claw:receiverAuthorizerKey`";
  if (!/^0x[0-9a-fA-F]{64}$/.test(value))
    throw new ConfigError(source, "must be a 0x-prefixed 32-byte hex private key", fix);
  if (PUBLIC_KEYS.has(value.toLowerCase()) && network !== LOCAL_NETWORK) {
    throw new ConfigError(
      source,
      `is a published development key: anyone could sign channel claims and refunds on ${network}`,
      fix,
    );
  }
}
