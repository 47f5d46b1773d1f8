import { describe, expect, it } from "vitest";
import { devAccount } from "../chain/accounts.ts";
import { facilitatorConfigFromEnv, parseFacilitatorConfig } from "./config.ts";

const key = devAccount(1).privateKey;

describe("facilitator config", () => {
  it("reads networks and defaults from the environment", () => {
    const config = facilitatorConfigFromEnv({
      FACILITATOR_PRIVATE_KEY: key,
      FACILITATOR_RPC_URL: "http://127.0.0.1:9545",
      FACILITATOR_NETWORKS: "eip155:31337, eip155:84532=https://sepolia.base.org",
      FACILITATOR_PORT: "4999",
    });
    expect(config.networks).toEqual([
      { chainId: 31337, rpcUrl: "http://127.0.0.1:9545" },
      { chainId: 84532, rpcUrl: "https://sepolia.base.org" },
    ]);
    expect(config).toMatchObject({ host: "127.0.0.1", port: 4999, privateKey: key });
  });

  it("names the bad field", () => {
    expect(() => facilitatorConfigFromEnv({})).toThrow(/privateKey/);
    expect(() =>
      facilitatorConfigFromEnv({ FACILITATOR_PRIVATE_KEY: key, FACILITATOR_NETWORKS: "solana:x" }),
    ).toThrow(/FACILITATOR_NETWORKS/);
    expect(() =>
      parseFacilitatorConfig({ privateKey: key, networks: [{ chainId: 1, rpcUrl: "ftp://x" }] }),
    ).toThrow(/rpcUrl/);
    expect(() => facilitatorConfigFromEnv({ FACILITATOR_PRIVATE_KEY: key, FACILITATOR_PORT: "abc" })).toThrow(
      /port/,
    );
  });
});
