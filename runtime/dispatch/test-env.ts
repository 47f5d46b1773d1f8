import type { DispatchEnv } from "./env.ts";

/**
 * A dispatch env that passes the settings schema, for tests that stop before any binding is
 * used: the bindings are empty objects, so touching one throws.
 */
export function testDispatchEnv(settings: Record<string, unknown> = {}): DispatchEnv {
  return {
    DB: {},
    CACHE: {},
    PAYER_LEDGER: {},
    LOCAL_NAMESPACE: {},
    PUBLIC_ORIGIN: "https://market.example",
    X402_NETWORK: "eip155:31337",
    X402_ASSET: "0x5FbDB2315678afecb367f032d93F642f64180aa3",
    X402_ASSET_NAME: "USD Coin",
    X402_ASSET_VERSION: "2",
    FACILITATOR_URL: "http://127.0.0.1:4020",
    ...settings,
  } as unknown as DispatchEnv;
}
