import { z } from "zod";

const hexKey = z
  .string()
  .regex(/^0x[0-9a-fA-F]{64}$/, "must be a 0x-prefixed 32-byte hex private key")
  .transform((s) => s as `0x${string}`);

const networkSchema = z.object({
  chainId: z.number().int().positive(),
  rpcUrl: z.url({ protocol: /^https?$/ }),
});

/** Everything the facilitator needs; validated once at start. */
export const facilitatorConfigSchema = z.object({
  /** Pays gas for settlements; the same key serves every configured network. */
  privateKey: hexKey,
  networks: z.array(networkSchema).min(1, "configure at least one network"),
  /** Only loopback by default; a deployment behind a proxy may choose otherwise. */
  host: z.string().default("127.0.0.1"),
  /** 0 lets the OS pick a free port. */
  port: z.number().int().min(0).max(65535).default(4020),
  /** Per JSON-RPC request. */
  rpcTimeoutMs: z.number().int().positive().default(5_000),
  /** How long a settle waits for its receipt before answering `settlement_pending`. */
  confirmationTimeoutMs: z.number().int().positive().default(30_000),
  /** Receipt polling; anvil mines instantly so short is fine, public chains want ~1 s. */
  pollingIntervalMs: z.number().int().positive().default(250),
  /** How far back to look for an authorization's earlier settlement (after a restart). */
  lookbackBlocks: z.number().int().positive().default(10_000),
  /** Upper bound on remembered settlements; they also expire at the authorization's validBefore. */
  maxRecordedSettlements: z.number().int().positive().default(100_000),
});

export type FacilitatorConfig = z.output<typeof facilitatorConfigSchema>;
export type FacilitatorConfigInput = z.input<typeof facilitatorConfigSchema>;

/** Validates a facilitator config; the error lists every bad field. */
export function parseFacilitatorConfig(input: unknown): FacilitatorConfig {
  const result = facilitatorConfigSchema.safeParse(input);
  if (!result.success) throw new Error(`invalid facilitator config:\n${z.prettifyError(result.error)}`);
  return result.data;
}

/**
 * Reads the config from the environment:
 * - FACILITATOR_PRIVATE_KEY (required)
 * - FACILITATOR_NETWORKS: comma list of `eip155:<chainId>` or `eip155:<chainId>=<rpcUrl>`
 *   (default `eip155:31337`); entries without a URL use FACILITATOR_RPC_URL
 * - FACILITATOR_RPC_URL (default http://127.0.0.1:8545)
 * - FACILITATOR_HOST, FACILITATOR_PORT, FACILITATOR_RPC_TIMEOUT_MS,
 *   FACILITATOR_CONFIRMATION_TIMEOUT_MS, FACILITATOR_LOOKBACK_BLOCKS
 */
export function facilitatorConfigFromEnv(
  env: Record<string, string | undefined> = process.env,
): FacilitatorConfig {
  const defaultRpc = env.FACILITATOR_RPC_URL ?? "http://127.0.0.1:8545";
  const networks = (env.FACILITATOR_NETWORKS ?? "eip155:31337")
    .split(",")
    .map((entry) => entry.trim())
    .filter(Boolean)
    .map((entry) => {
      const [network = "", rpcUrl = defaultRpc] = entry.split("=", 2);
      const match = /^eip155:(\d+)$/.exec(network);
      if (!match?.[1]) throw new Error(`FACILITATOR_NETWORKS: "${entry}" is not eip155:<chainId>[=<rpcUrl>]`);
      return { chainId: Number(match[1]), rpcUrl };
    });
  const num = (key: string) => {
    const value = env[key];
    return value === undefined || value === "" ? undefined : Number(value);
  };
  return parseFacilitatorConfig({
    privateKey: env.FACILITATOR_PRIVATE_KEY,
    networks,
    host: env.FACILITATOR_HOST,
    port: num("FACILITATOR_PORT"),
    rpcTimeoutMs: num("FACILITATOR_RPC_TIMEOUT_MS"),
    confirmationTimeoutMs: num("FACILITATOR_CONFIRMATION_TIMEOUT_MS"),
    lookbackBlocks: num("FACILITATOR_LOOKBACK_BLOCKS"),
  });
}
