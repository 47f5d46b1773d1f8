import { x402Client } from "@x402/core/client";
import { HTTPFacilitatorClient } from "@x402/core/http";
import type { PaymentPayload, PaymentRequirements } from "@x402/core/types";
import { toClientEvmSigner } from "@x402/evm";
import { BatchSettlementEvmScheme } from "@x402/evm/batch-settlement/client";
import { createPublicClient, type Hex, http } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { devAccount } from "../chain/accounts.ts";
import { type AnvilHandle, startAnvil } from "../chain/anvil.ts";
import { LOCAL_RECEIVER_AUTHORIZER, LOCAL_WITHDRAW_DELAY_SECONDS } from "../chain/batch-settlement.ts";
import { ensureLocalChain, type LocalChain } from "../chain/deploy.ts";
import { freePort } from "../chain/free-port.ts";
import { localChain } from "../chain/local-chain.ts";
import { MAX_CLAIM_ROWS } from "./batch-request-body.ts";
import { type FacilitatorHandle, SETTLEMENT_OUTCOME_HEADER, startFacilitator } from "./server.ts";

let anvil: AnvilHandle;
let chain: LocalChain;
let facilitator: FacilitatorHandle;
let client: HTTPFacilitatorClient;
const payTo = devAccount(5).address;
let saltCounter = 0;

beforeAll(async () => {
  anvil = await startAnvil({ port: await freePort() });
  chain = await ensureLocalChain({ rpcUrl: anvil.rpcUrl, chainId: anvil.chainId });
  facilitator = await startFacilitator({
    port: 0,
    rpcUrl: anvil.rpcUrl,
    chainId: anvil.chainId,
    privateKey: chain.facilitator.privateKey,
    pollingIntervalMs: 20,
  });
  client = new HTTPFacilitatorClient({ url: facilitator.url });
});

afterAll(async () => {
  await facilitator?.stop();
  await anvil?.stop();
});

function publicClient() {
  return createPublicClient({
    chain: localChain(anvil.chainId, anvil.rpcUrl),
    transport: http(anvil.rpcUrl),
  });
}

/** Requirements as the SDK's server scheme writes them into a 402 (receiver authorizer = ours). */
function requirements(amount = "1000"): PaymentRequirements {
  return {
    scheme: "batch-settlement",
    network: chain.network,
    asset: chain.asset,
    amount,
    payTo,
    maxTimeoutSeconds: 60,
    extra: {
      name: chain.tokenName,
      version: chain.tokenVersion,
      receiverAuthorizer: LOCAL_RECEIVER_AUTHORIZER.address,
      withdrawDelay: LOCAL_WITHDRAW_DELAY_SECONDS,
    },
  };
}

/** A deposit (first payment of a fresh channel) signed by the SDK's batch-settlement client. */
async function depositPayload(req: PaymentRequirements, deposit: bigint): Promise<PaymentPayload> {
  const account = privateKeyToAccount(chain.payer.privateKey);
  const salt = `0x${(++saltCounter).toString(16).padStart(64, "0")}` as Hex;
  const scheme = new BatchSettlementEvmScheme(toClientEvmSigner(account, publicClient()), {
    salt,
    depositStrategy: () => deposit.toString(),
  });
  return new x402Client()
    .register(chain.network, scheme)
    .setSpendControls({ allowedAssets: [{ network: chain.network, asset: chain.asset }] })
    .createPaymentPayload({
      x402Version: 2,
      resource: { url: "http://127.0.0.1/test", description: "test", mimeType: "application/json" },
      accepts: [req],
    });
}

async function post(path: string, body: unknown): Promise<Response> {
  return fetch(`${facilitator.url}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
}

const facilitatorTxCount = () => publicClient().getTransactionCount({ address: chain.facilitator.address });

describe("facilitator: batch-settlement beside exact", () => {
  it("lists both schemes in /supported", async () => {
    const supported = await client.getSupported();
    const schemes = supported.kinds.filter((k) => k.network === chain.network).map((k) => k.scheme);
    expect(schemes).toEqual(expect.arrayContaining(["exact", "batch-settlement"]));
    // It only relays: no receiver authorizer is offered for servers to delegate to.
    const batch = supported.kinds.find((k) => k.scheme === "batch-settlement");
    expect(batch?.extra?.receiverAuthorizer).toBeUndefined();
  });

  it("verifies a deposit and broadcasts it once for 10 concurrent settles", async () => {
    const req = requirements();
    const payload = await depositPayload(req, 50_000n);
    expect(await client.verify(payload, req)).toMatchObject({
      isValid: true,
      payer: chain.payer.address,
      extra: { balance: "0", totalClaimed: "0" },
    });
    const before = await facilitatorTxCount();
    const responses = await Promise.all(
      Array.from({ length: 10 }, () =>
        post("/settle", { x402Version: 2, paymentPayload: payload, paymentRequirements: req }),
      ),
    );
    const bodies = (await Promise.all(responses.map((r) => r.json()))) as Array<{
      success: boolean;
      transaction: string;
    }>;
    expect(bodies.every((b) => b.success)).toBe(true);
    expect(new Set(bodies.map((b) => b.transaction)).size).toBe(1);
    expect(
      responses.map((r) => r.headers.get(SETTLEMENT_OUTCOME_HEADER)).filter((o) => o === "first"),
    ).toHaveLength(1);
    expect(await facilitatorTxCount()).toBe(before + 1);
    expect(bodies[0]).toMatchObject({ amount: "50000", extra: { channelState: { balance: "50000" } } });
  });

  it("says why a batch payment is invalid: a voucher above the deposit, a deposit above the payer's balance", async () => {
    const req = requirements();
    const payload = await depositPayload(req, 2_000n);
    expect((await client.settle(payload, req)).success).toBe(true);
    const inner = payload.payload as { channelConfig: unknown; voucher: { channelId: Hex } };
    const { signVoucher } = await import("@x402/evm/batch-settlement/client");
    const voucher = await signVoucher(
      toClientEvmSigner(privateKeyToAccount(chain.payer.privateKey)),
      inner.voucher.channelId,
      "3000",
      chain.network,
    );
    const above: PaymentPayload = {
      ...payload,
      payload: { type: "voucher", channelConfig: inner.channelConfig, voucher },
    };
    expect(await client.verify(above, req)).toMatchObject({
      isValid: false,
      invalidReason: "invalid_batch_settlement_evm_cumulative_exceeds_balance",
    });

    const tooBig = await depositPayload(req, 10n ** 18n);
    expect(await client.verify(tooBig, req)).toMatchObject({
      isValid: false,
      invalidReason: "invalid_batch_settlement_evm_insufficient_balance",
    });
    const txs = await facilitatorTxCount();
    expect((await client.settle(tooBig, req)).success).toBe(false);
    expect(await facilitatorTxCount()).toBe(txs);
  });

  it("takes a claim of up to 200 channels on /settle and refuses malformed batch bodies with 400 and a reason", async () => {
    const req = requirements("0");
    const deposit = await depositPayload(requirements(), 1_000n);
    const { channelConfig, voucher } = deposit.payload as {
      channelConfig: Record<string, unknown>;
      voucher: { signature: string };
    };
    const row = (i: number) => ({
      voucher: {
        channel: { ...channelConfig, salt: `0x${i.toString(16).padStart(64, "0")}` },
        maxClaimableAmount: "1000",
      },
      signature: voucher.signature,
      totalClaimed: "1000",
    });
    const claim = (rows: number) => ({
      x402Version: 2,
      paymentPayload: {
        x402Version: 2,
        accepted: req,
        payload: {
          type: "claim",
          claims: Array.from({ length: rows }, (_, i) => row(i)),
          claimAuthorizerSignature: "0x12",
        },
      },
      paymentRequirements: req,
    });
    // 100 rows (the SDK's default batch) are ~62 KB of JSON, close to the 64 KiB other bodies may
    // have; /settle takes claims up to MAX_CLAIM_ROWS (the chain then refuses these made-up rows:
    // nothing deposited in them, a bad authorizer signature).
    expect(JSON.stringify(claim(MAX_CLAIM_ROWS)).length).toBeGreaterThan(64 * 1024);
    const big = await post("/settle", claim(MAX_CLAIM_ROWS));
    expect(big.status).toBe(200);
    expect(await big.json()).toMatchObject({
      success: false,
      errorReason: "invalid_batch_settlement_evm_claim_simulation_failed",
    });

    const envelope = (payload: unknown) => ({
      x402Version: 2,
      paymentPayload: { x402Version: 2, accepted: req, payload },
      paymentRequirements: req,
    });
    const cases: Array<[unknown, RegExp]> = [
      [claim(0), /at least one voucher/],
      [claim(MAX_CLAIM_ROWS + 1), /claims/],
      [envelope({ type: "settle", receiver: "nope", token: chain.asset }), /payload\.receiver/],
      [envelope({ type: "teleport" }), /payload\.type/],
      [
        envelope({
          ...(deposit.payload as object),
          deposit: { amount: "1000", authorization: { permit2Authorization: {} } },
        }),
        /erc3009Authorization/,
      ],
      [
        {
          ...envelope({ type: "settle", receiver: payTo, token: chain.asset }),
          paymentRequirements: { ...req, network: "eip155:1" },
        },
        /unsupported scheme\/network/,
      ],
    ];
    for (const [body, reason] of cases) {
      const response = await post("/settle", body);
      expect(response.status, JSON.stringify(body).slice(0, 120)).toBe(400);
      const { error } = (await response.json()) as { error: { message: string } };
      expect(error.message).toMatch(reason);
    }
  });
});
