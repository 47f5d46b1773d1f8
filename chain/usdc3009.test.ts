import {
  type Address,
  createPublicClient,
  createWalletClient,
  type Hex,
  http,
  numberToHex,
  parseSignature,
  serializeSignature,
} from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { devAccount, ROLES } from "./accounts.ts";
import { type AnvilHandle, startAnvil } from "./anvil.ts";
import { compileContracts } from "./compile.ts";
import { ensureLocalChain } from "./deploy.ts";
import { freePort } from "./free-port.ts";
import { localChain } from "./local-chain.ts";
import {
  randomNonce,
  signCancelAuthorization,
  signTransferAuthorization,
  type TransferAuthorization,
} from "./sign-authorization.ts";
import { usdc3009Abi } from "./usdc3009-abi.ts";

// secp256k1 group order: s and n - s are both valid ECDSA, the contract must accept only the low one.
const SECP256K1_N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;

let anvil: AnvilHandle;
let asset: Address;
const payer = privateKeyToAccount(ROLES.payer.privateKey);
const relayer = privateKeyToAccount(ROLES.facilitator.privateKey);
const payee = devAccount(7).address;

beforeAll(async () => {
  anvil = await startAnvil({ port: await freePort() });
  ({ asset } = await ensureLocalChain({ rpcUrl: anvil.rpcUrl, chainId: anvil.chainId }));
});

afterAll(async () => {
  await anvil?.stop();
});

function clients() {
  const chain = localChain(anvil.chainId, anvil.rpcUrl);
  const publicClient = createPublicClient({ chain, transport: http(anvil.rpcUrl) });
  const wallet = createWalletClient({ chain, transport: http(anvil.rpcUrl), account: relayer });
  return { publicClient, wallet };
}

function authorization(overrides: Partial<TransferAuthorization> = {}): TransferAuthorization {
  const now = BigInt(Math.floor(Date.now() / 1000));
  return {
    from: payer.address,
    to: payee,
    value: 1234n,
    validAfter: now - 60n,
    validBefore: now + 600n,
    nonce: randomNonce(),
    ...overrides,
  };
}

async function balanceOf(account: Address): Promise<bigint> {
  return clients().publicClient.readContract({
    address: asset,
    abi: usdc3009Abi,
    functionName: "balanceOf",
    args: [account],
  });
}

async function authorizationState(nonce: Hex): Promise<boolean> {
  return clients().publicClient.readContract({
    address: asset,
    abi: usdc3009Abi,
    functionName: "authorizationState",
    args: [payer.address, nonce],
  });
}

async function submitVrs(auth: TransferAuthorization, signature: Hex): Promise<void> {
  const { publicClient, wallet } = clients();
  const { r, s, v } = parseSignature(signature);
  const hash = await wallet.writeContract({
    address: asset,
    abi: usdc3009Abi,
    functionName: "transferWithAuthorization",
    args: [auth.from, auth.to, auth.value, auth.validAfter, auth.validBefore, auth.nonce, Number(v), r, s],
  });
  const receipt = await publicClient.waitForTransactionReceipt({ hash });
  expect(receipt.status).toBe("success");
}

describe("Usdc3009 token", () => {
  it("has the ABI our TypeScript declares", async () => {
    const { contracts } = await compileContracts();
    const compiled = new Set(
      contracts.Usdc3009.abi.map((item) =>
        JSON.stringify({ type: item.type, name: "name" in item ? item.name : "" }),
      ),
    );
    for (const item of usdc3009Abi) {
      expect(compiled.has(JSON.stringify({ type: item.type, name: item.name }))).toBe(true);
    }
  });

  it("moves exactly the authorized amount with a (v,r,s) transferWithAuthorization", async () => {
    const auth = authorization();
    const signature = await signTransferAuthorization(payer, asset, anvil.chainId, auth);
    const [payerBefore, payeeBefore] = [await balanceOf(payer.address), await balanceOf(payee)];
    expect(await authorizationState(auth.nonce)).toBe(false);

    await submitVrs(auth, signature);

    expect(await balanceOf(payer.address)).toBe(payerBefore - auth.value);
    expect(await balanceOf(payee)).toBe(payeeBefore + auth.value);
    expect(await authorizationState(auth.nonce)).toBe(true);
  });

  it("accepts the bytes-signature overload and refuses a replay of it", async () => {
    const { publicClient, wallet } = clients();
    const auth = authorization();
    const signature = await signTransferAuthorization(payer, asset, anvil.chainId, auth);
    const args = [
      auth.from,
      auth.to,
      auth.value,
      auth.validAfter,
      auth.validBefore,
      auth.nonce,
      signature,
    ] as const;
    const payeeBefore = await balanceOf(payee);
    const hash = await wallet.writeContract({
      address: asset,
      abi: usdc3009Abi,
      functionName: "transferWithAuthorization",
      args,
    });
    expect((await publicClient.waitForTransactionReceipt({ hash })).status).toBe("success");
    expect(await balanceOf(payee)).toBe(payeeBefore + auth.value);

    await expect(
      wallet.writeContract({
        address: asset,
        abi: usdc3009Abi,
        functionName: "transferWithAuthorization",
        args,
      }),
    ).rejects.toThrow(/authorization is used or canceled/);
    await expect(submitVrs(auth, signature)).rejects.toThrow(/authorization is used or canceled/);
    expect(await balanceOf(payee)).toBe(payeeBefore + auth.value);
  });

  it("refuses expired and not-yet-valid authorizations", async () => {
    const now = BigInt(Math.floor(Date.now() / 1000));
    const expired = authorization({ validBefore: now - 1n });
    await expect(
      submitVrs(expired, await signTransferAuthorization(payer, asset, anvil.chainId, expired)),
    ).rejects.toThrow(/authorization is expired/);

    const early = authorization({ validAfter: now + 3600n });
    await expect(
      submitVrs(early, await signTransferAuthorization(payer, asset, anvil.chainId, early)),
    ).rejects.toThrow(/authorization is not yet valid/);
  });

  it("refuses a signature by someone else, for other terms, or in high-s form", async () => {
    const auth = authorization();
    const stranger = privateKeyToAccount(devAccount(8).privateKey);
    const forged = await signTransferAuthorization(stranger, asset, anvil.chainId, auth);
    await expect(submitVrs(auth, forged)).rejects.toThrow(/invalid signature/);

    const signature = await signTransferAuthorization(payer, asset, anvil.chainId, auth);
    await expect(submitVrs({ ...auth, value: auth.value + 1n }, signature)).rejects.toThrow(
      /invalid signature/,
    );

    const { r, s, yParity } = parseSignature(signature);
    const highS = serializeSignature({
      r,
      s: numberToHex(SECP256K1_N - BigInt(s), { size: 32 }),
      yParity: 1 - yParity,
    });
    await expect(submitVrs(auth, highS)).rejects.toThrow(/invalid signature/);

    // The honest signature still works afterwards: failed attempts did not burn the nonce.
    await submitVrs(auth, signature);
  });

  it("cancels an unused authorization, which then cannot be used", async () => {
    const { publicClient, wallet } = clients();
    const auth = authorization();
    const signature = await signTransferAuthorization(payer, asset, anvil.chainId, auth);
    const cancel = await signCancelAuthorization(payer, asset, anvil.chainId, auth.nonce);

    const hash = await wallet.writeContract({
      address: asset,
      abi: usdc3009Abi,
      functionName: "cancelAuthorization",
      args: [payer.address, auth.nonce, cancel],
    });
    const receipt = await publicClient.waitForTransactionReceipt({ hash });
    expect(receipt.status).toBe("success");
    expect(await authorizationState(auth.nonce)).toBe(true);
    await expect(submitVrs(auth, signature)).rejects.toThrow(/authorization is used or canceled/);
  });

  it("lets only the payee submit a receiveWithAuthorization", async () => {
    const { publicClient } = clients();
    const chain = localChain(anvil.chainId, anvil.rpcUrl);
    const payeeAccount = privateKeyToAccount(devAccount(7).privateKey);
    const auth = authorization();
    const signature = await signTransferAuthorization(
      payer,
      asset,
      anvil.chainId,
      auth,
      "ReceiveWithAuthorization",
    );
    const args = [
      auth.from,
      auth.to,
      auth.value,
      auth.validAfter,
      auth.validBefore,
      auth.nonce,
      signature,
    ] as const;

    const { wallet: relayerWallet } = clients();
    await expect(
      relayerWallet.writeContract({
        address: asset,
        abi: usdc3009Abi,
        functionName: "receiveWithAuthorization",
        args,
      }),
    ).rejects.toThrow(/caller must be the payee/);

    const payeeWallet = createWalletClient({ chain, transport: http(anvil.rpcUrl), account: payeeAccount });
    const before = await balanceOf(payee);
    const hash = await payeeWallet.writeContract({
      address: asset,
      abi: usdc3009Abi,
      functionName: "receiveWithAuthorization",
      args,
    });
    expect((await publicClient.waitForTransactionReceipt({ hash })).status).toBe("success");
    expect(await balanceOf(payee)).toBe(before + auth.value);
  });

  it("mints only for its owner", async () => {
    const { wallet } = clients();
    await expect(
      wallet.writeContract({
        address: asset,
        abi: usdc3009Abi,
        functionName: "mint",
        args: [relayer.address, 1n],
      }),
    ).rejects.toThrow(/caller is not the owner/);
  });
});
