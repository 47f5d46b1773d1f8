import { mnemonicToAccount, privateKeyToAccount } from "viem/accounts";
import { describe, expect, it } from "vitest";
import { DEV_ACCOUNTS, DEV_MNEMONIC, ROLES } from "./accounts.ts";
import { LOCAL_RECEIVER_AUTHORIZER } from "./batch-settlement.ts";

describe("dev accounts", () => {
  it("match anvil's mnemonic at every index", () => {
    expect(DEV_ACCOUNTS).toHaveLength(10);
    for (const account of DEV_ACCOUNTS) {
      const derived = mnemonicToAccount(DEV_MNEMONIC, { addressIndex: account.index });
      expect(derived.address).toBe(account.address);
      expect(privateKeyToAccount(account.privateKey).address).toBe(account.address);
    }
  });

  it("give each role its own account", () => {
    const addresses = new Set(Object.values(ROLES).map((a) => a.address));
    expect(addresses.size).toBe(Object.keys(ROLES).length);
  });

  it("keep the local receiver authorizer apart: index 10 of the mnemonic, none of the funded ten", () => {
    const derived = mnemonicToAccount(DEV_MNEMONIC, { addressIndex: LOCAL_RECEIVER_AUTHORIZER.index });
    expect(derived.address).toBe(LOCAL_RECEIVER_AUTHORIZER.address);
    expect(privateKeyToAccount(LOCAL_RECEIVER_AUTHORIZER.privateKey).address).toBe(
      LOCAL_RECEIVER_AUTHORIZER.address,
    );
    expect(DEV_ACCOUNTS.map((a) => a.address)).not.toContain(LOCAL_RECEIVER_AUTHORIZER.address);
  });
});
