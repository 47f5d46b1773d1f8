import { HTTPFacilitatorClient } from "@x402/core/http";
import type { PaymentPayload, PaymentRequirements, SettleResponse } from "@x402/core/types";
import { type Address, createPublicClient, http } from "viem";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { devAccount } from "../chain/accounts.ts";
import { type AnvilHandle, startAnvil } from "../chain/anvil.ts";
import { ensureLocalChain, type LocalChain } from "../chain/deploy.ts";
import { freePort } from "../chain/free-port.ts";
import { localChain } from "../chain/local-chain.ts";
import { usdc3009Abi } from "../chain/usdc3009-abi.ts";
import {
  createPaymentPayload,
  createPaymentPayloadWithWindow,
  exactRequirements,
} from "./payment-fixtures.ts";
import { type FacilitatorHandle, SETTLEMENT_OUTCOME_HEADER, startFacilitator } from "./server.ts";

let anvil: AnvilHandle;
let chain: LocalChain;
let facilitator: FacilitatorHandle;
let client: HTTPFacilitatorClient;
const payTo = devAccount(5).address;

beforeAll(async () => {
  anvil = await startAnvil({ port: await freePort() });
  chain = await ensureLocalChain({ rpcUrl: anvil.rpcUrl, chainId: anvil.chainId });
  facilitator = await startFacilitator({
    port: 0,
    rpcUrl: anvil.rpcUrl,
    chainId: anvil.chainId,
    privateKey: chain.facilitator.privateKey,
  });
  client = new HTTPFacilitatorClient({ url: facilitator.url });
});

afterAll(async () => {
  await facilitator?.stop();
  await anvil?.stop();
});

function requirements(amount = "1000"): PaymentRequirements {
  return exactRequirements({ chainId: anvil.chainId, asset: chain.asset, payTo, amount });
}

function publicClient() {
  return createPublicClient({
    chain: localChain(anvil.chainId, anvil.rpcUrl),
    transport: http(anvil.rpcUrl),
  });
}

async function tokenBalance(account: Address): Promise<bigint> {
  return publicClient().readContract({
    address: chain.asset,
    abi: usdc3009Abi,
    functionName: "balanceOf",
    args: [account],
  });
}

async function facilitatorTxCount(): Promise<number> {
  return publicClient().getTransactionCount({ address: chain.facilitator.address });
}

async function post(path: string, body: unknown, url = facilitator.url): Promise<Response> {
  return fetch(`${url}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
}

function settleBody(payload: PaymentPayload, req: PaymentRequirements) {
  return { x402Version: 2, paymentPayload: payload, paymentRequirements: req };
}

describe("facilitator HTTP face", () => {
  it("lists exact on the local chain in /supported", async () => {
    const supported = await client.getSupported();
    expect(supported.kinds).toContainEqual({ x402Version: 2, scheme: "exact", network: "eip155:31337" });
    expect(supported.signers["eip155:*"]).toEqual([chain.facilitator.address]);
  });

  it("verifies and settles a real payment, moving exactly the amount", async () => {
    const req = requirements("1000");
    const payload = await createPaymentPayload(chain.payer.privateKey, req);
    const [payerBefore, payeeBefore] = [await tokenBalance(chain.payer.address), await tokenBalance(payTo)];

    const verified = await client.verify(payload, req);
    expect(verified).toMatchObject({ isValid: true, payer: chain.payer.address });

    const settled = await client.settle(payload, req);
    expect(settled).toMatchObject({ success: true, network: "eip155:31337", payer: chain.payer.address });
    expect(settled.transaction).toMatch(/^0x[0-9a-f]{64}$/);
    const receipt = await publicClient().getTransactionReceipt({
      hash: settled.transaction as `0x${string}`,
    });
    expect(receipt.status).toBe("success");

    expect(await tokenBalance(chain.payer.address)).toBe(payerBefore - 1000n);
    expect(await tokenBalance(payTo)).toBe(payeeBefore + 1000n);
  });

  it("broadcasts 20 concurrent settles of one payment once, and a later duplicate not at all", async () => {
    const req = requirements("777");
    const payload = await createPaymentPayload(chain.payer.privateKey, req);
    const [payerBefore, txCountBefore] = [
      await tokenBalance(chain.payer.address),
      await facilitatorTxCount(),
    ];

    const responses = await Promise.all(
      Array.from({ length: 20 }, () => post("/settle", settleBody(payload, req))),
    );
    const bodies = (await Promise.all(responses.map((r) => r.json()))) as SettleResponse[];
    const outcomes = responses.map((r) => r.headers.get(SETTLEMENT_OUTCOME_HEADER));

    expect(responses.every((r) => r.status === 200)).toBe(true);
    expect(bodies.every((b) => b.success)).toBe(true);
    expect(new Set(bodies.map((b) => b.transaction)).size).toBe(1);
    expect(outcomes.filter((o) => o === "first")).toHaveLength(1);
    // Under load a few may arrive after the first finished: they get the recorded result.
    expect(outcomes.filter((o) => o === "joined" || o === "recorded")).toHaveLength(19);
    expect(await facilitatorTxCount()).toBe(txCountBefore + 1);
    expect(await tokenBalance(chain.payer.address)).toBe(payerBefore - 777n);

    const later = await post("/settle", settleBody(payload, req));
    expect(later.headers.get(SETTLEMENT_OUTCOME_HEADER)).toBe("recorded");
    expect(await later.json()).toEqual(bodies[0]);
    expect(await facilitatorTxCount()).toBe(txCountBefore + 1);
  });

  it("answers a duplicate from the chain after a restart, without a transaction", async () => {
    const req = requirements("555");
    const payload = await createPaymentPayload(chain.payer.privateKey, req);
    const first = await client.settle(payload, req);
    expect(first.success).toBe(true);

    // A fresh facilitator has an empty lock table: only the on-chain check stands in the way.
    const restarted = await startFacilitator({
      port: 0,
      rpcUrl: anvil.rpcUrl,
      chainId: anvil.chainId,
      privateKey: chain.facilitator.privateKey,
    });
    try {
      const txCount = await facilitatorTxCount();
      const response = await post("/settle", settleBody(payload, req), restarted.url);
      expect(response.headers.get(SETTLEMENT_OUTCOME_HEADER)).toBe("on-chain");
      expect(await response.json()).toMatchObject({ success: true, transaction: first.transaction });
      expect(await facilitatorTxCount()).toBe(txCount);
    } finally {
      await restarted.stop();
    }
  });

  it("settles different payments concurrently without nonce collisions", async () => {
    const req = requirements("10");
    const payloads = await Promise.all(
      Array.from({ length: 8 }, () => createPaymentPayload(chain.payer.privateKey, req)),
    );
    const payerBefore = await tokenBalance(chain.payer.address);
    const results = await Promise.all(payloads.map((p) => client.settle(p, req)));
    expect(results.every((r) => r.success)).toBe(true);
    expect(new Set(results.map((r) => r.transaction)).size).toBe(8);
    expect(await tokenBalance(chain.payer.address)).toBe(payerBefore - 80n);
  });

  it("says why a payment is invalid: insufficient balance, bad signature, expired, not yet valid", async () => {
    const req = requirements("1000");
    const broke = devAccount(6); // holds no test USDC
    const poor = await client.verify(await createPaymentPayload(broke.privateKey, req), req);
    expect(poor).toMatchObject({ isValid: false, invalidReason: "invalid_exact_evm_insufficient_balance" });

    const honest = await createPaymentPayload(chain.payer.privateKey, req);
    const forged = await createPaymentPayload(devAccount(8).privateKey, req);
    const tampered: PaymentPayload = {
      ...honest,
      payload: { ...honest.payload, signature: (forged.payload as { signature: string }).signature },
    };
    expect(await client.verify(tampered, req)).toMatchObject({
      isValid: false,
      invalidReason: "invalid_exact_evm_signature",
    });

    const now = BigInt(Math.floor(Date.now() / 1000));
    const expired = await createPaymentPayloadWithWindow(chain.payer.privateKey, req, {
      validAfter: 0n,
      validBefore: now - 10n,
    });
    expect(await client.verify(expired, req)).toMatchObject({
      isValid: false,
      invalidReason: "invalid_exact_evm_payload_authorization_valid_before",
    });
    const early = await createPaymentPayloadWithWindow(chain.payer.privateKey, req, {
      validAfter: now + 3600n,
      validBefore: now + 7200n,
    });
    expect(await client.verify(early, req)).toMatchObject({
      isValid: false,
      invalidReason: "invalid_exact_evm_payload_authorization_valid_after",
    });

    // Settling an invalid payment fails without a transaction.
    const txCount = await facilitatorTxCount();
    const settled = await client.settle(tampered, req);
    expect(settled).toMatchObject({ success: false, transaction: "" });
    expect(await facilitatorTxCount()).toBe(txCount);
  });

  it("refuses malformed bodies with 400 and a reason", async () => {
    const req = requirements();
    const payload = await createPaymentPayload(chain.payer.privateKey, req);
    const cases: Array<[unknown, RegExp]> = [
      ["{not json", /body must be JSON/],
      [{}, /paymentPayload/],
      [{ paymentPayload: { ...payload, x402Version: 1 }, paymentRequirements: req }, /only x402 version 2/],
      [settleBody({ ...payload, payload: { signature: "0x12" } }, req), /payload\.authorization/],
      [settleBody(payload, { ...req, amount: "ten" }), /paymentRequirements\.amount/],
      [settleBody(payload, { ...req, network: "eip155:1" }), /unsupported scheme\/network/],
      [settleBody(payload, { ...req, scheme: "upto" }), /unsupported scheme\/network/],
      [settleBody(payload, { ...req, network: "solana:mainnet" }), /eip155/],
    ];
    for (const path of ["/verify", "/settle"]) {
      for (const [body, reason] of cases) {
        const response = await post(path, body);
        expect(response.status, `${path} ${JSON.stringify(body).slice(0, 80)}`).toBe(400);
        const { error } = (await response.json()) as { error: { code: string; message: string } };
        expect(error.code).toMatch(/^(invalid_request|unsupported_scheme_or_network)$/);
        expect(error.message).toMatch(reason);
      }
    }
    const notFound = await fetch(`${facilitator.url}/nope`);
    expect(notFound.status).toBe(404);
    expect(await notFound.json()).toMatchObject({
      error: { code: "not_found", message: "no route GET /nope" },
    });
    const tooLarge = await post("/verify", { padding: "x".repeat(70 * 1024) });
    expect(tooLarge.status).toBe(413);
    expect(await tooLarge.json()).toMatchObject({ error: { code: "body_too_large", maxBytes: 64 * 1024 } });
  });

  it("reports health", async () => {
    const response = await fetch(`${facilitator.url}/health`);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({
      ok: true,
      networks: [{ network: "eip155:31337", rpc: "ok", facilitator: chain.facilitator.address }],
    });
  });
});

describe("facilitator without a reachable chain", () => {
  it("answers 502 with a reason on /verify and /settle, and 503 on /health, quickly", async () => {
    const deadRpc = `http://127.0.0.1:${await freePort()}`;
    const orphan = await startFacilitator({
      port: 0,
      rpcUrl: deadRpc,
      chainId: anvil.chainId,
      privateKey: chain.facilitator.privateKey,
    });
    try {
      const req = requirements();
      const payload = await createPaymentPayload(chain.payer.privateKey, req);
      const started = Date.now();
      for (const path of ["/verify", "/settle"]) {
        const response = await post(path, settleBody(payload, req), orphan.url);
        expect(response.status).toBe(502);
        expect(await response.json()).toMatchObject({
          error: { code: "rpc_unavailable", network: "eip155:31337" },
        });
      }
      expect((await fetch(`${orphan.url}/health`)).status).toBe(503);
      expect(Date.now() - started).toBeLessThan(10_000);
    } finally {
      await orphan.stop();
    }
  });
});
