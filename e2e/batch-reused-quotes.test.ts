import { decodePaymentRequiredHeader } from "@x402/core/http";
import type { Hex } from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { batchPayer } from "../chain/batch-settlement-harness.ts";
import { fundPayers } from "../chain/fund-payers.ts";
import type { LocalStack } from "../local/stack.ts";
import { ledgerOf } from "./support/chain.ts";
import { CLAIMS_WHEN_ASKED, startCountedStack } from "./support/counted-stack.ts";
import type { CountingServer } from "./support/counting-server.ts";
import { makeTempProject, type TempProject } from "./support/temp-project.ts";

// client/reuse-quotes.ts against the whole marketplace: after the first 402, a voucher call is one
// request; a stale quote (the channel moved on under another client) costs one refused request and
// is never charged.

const PRICE = 1000n;
const HIT = "/hit/counted";
let project: TempProject;
let stack: LocalStack;
let counter: CountingServer;
let stopStack: () => Promise<void>;

beforeAll(async () => {
  project = makeTempProject({ fixtures: ["counted"] });
  ({
    stack,
    counter,
    stop: stopStack,
  } = await startCountedStack(project, { dispatchVars: CLAIMS_WHEN_ASKED }));
}, 120_000);

afterAll(async () => {
  await stopStack?.();
  project?.remove();
});

interface Sent {
  paid: boolean;
  status: number;
  error?: string;
}

/** A fetch that notes each request the client sends: paid or not, and what came back. */
function noting(sent: Sent[]): typeof fetch {
  return async (input, init) => {
    const paid = new Request(input, init).headers.has("payment-signature");
    const response = await fetch(input, init);
    const header = response.headers.get("payment-required");
    sent.push({
      paid,
      status: response.status,
      ...(header ? { error: decodePaymentRequiredHeader(header).error } : {}),
    });
    return response;
  };
}

async function freshPayer(): Promise<Hex> {
  const key = generatePrivateKey();
  await fundPayers(stack.chain, [{ address: privateKeyToAccount(key).address }], 1_000_000n);
  return key;
}

function ledger(payer: string) {
  return ledgerOf(stack, payer);
}

async function call(pay: typeof fetch): Promise<number> {
  const response = await pay(`${stack.url}/counted`);
  await response.arrayBuffer();
  return response.status;
}

describe("a client that reuses the 402 quote", () => {
  it("pays each voucher call after the first in one request, each charged once", async () => {
    const key = await freshPayer();
    const sent: Sent[] = [];
    const payer = batchPayer({
      chain: stack.chain,
      privateKey: key,
      depositUnits: 10n * PRICE,
      baseFetch: noting(sent),
      reuseQuotes: true,
    });
    const hits = counter.hits(HIT);
    expect(await call(payer.fetch)).toBe(200);
    // The first call asks for the quote, then deposits with its first voucher.
    expect(sent).toEqual([
      { paid: false, status: 402, error: "payment_required" },
      { paid: true, status: 200 },
    ]);
    sent.length = 0;
    for (let i = 0; i < 5; i++) expect(await call(payer.fetch)).toBe(200);
    expect(sent).toEqual(Array.from({ length: 5 }, () => ({ paid: true, status: 200 })));
    expect(counter.hits(HIT)).toBe(hits + 6);
    const vouchers = await (await ledger(payer.address)).vouchers();
    expect(vouchers.map((voucher) => voucher.amount)).toEqual(Array(6).fill(String(PRICE)));
    const [channel] = await (await ledger(payer.address)).channelList();
    expect(channel?.chargedCumulativeAmount).toBe(String(6n * PRICE));
  });

  it("pays again with the fresh quote when its channel moved on elsewhere, charging nothing for the refused voucher", async () => {
    const key = await freshPayer();
    const salt: Hex = `0x${"c3".repeat(32)}`;
    const sent: Sent[] = [];
    // Two clients of one wallet on one channel, each with its own records: the way an agent run
    // twice, or on two machines, shares a channel.
    const reusing = batchPayer({
      chain: stack.chain,
      privateKey: key,
      salt,
      depositUnits: 10n * PRICE,
      baseFetch: noting(sent),
      reuseQuotes: true,
    });
    const other = batchPayer({ chain: stack.chain, privateKey: key, salt });
    expect(await call(reusing.fetch)).toBe(200);
    expect(await call(other.fetch)).toBe(200);
    const hits = counter.hits(HIT);
    sent.length = 0;

    // The reusing client's voucher still counts from before the other's call: the gateway refuses
    // it with the corrective 402, and the client pays once more from that 402's quote.
    expect(await call(reusing.fetch)).toBe(200);
    expect(sent).toEqual([
      { paid: true, status: 402, error: expect.stringContaining("cumulative") },
      { paid: true, status: 200 },
    ]);
    expect(counter.hits(HIT)).toBe(hits + 1);
    const vouchers = await (await ledger(reusing.address)).vouchers();
    expect(vouchers.map((voucher) => voucher.amount)).toEqual(Array(3).fill(String(PRICE)));
    const [channel] = await (await ledger(reusing.address)).channelList();
    expect(channel?.chargedCumulativeAmount).toBe(String(3n * PRICE));

    // From then on it is one request per call again.
    sent.length = 0;
    expect(await call(reusing.fetch)).toBe(200);
    expect(sent).toEqual([{ paid: true, status: 200 }]);
  });
});
