import { performance } from "node:perf_hooks";
import { x402Client } from "@x402/core/client";
import { HTTPFacilitatorClient } from "@x402/core/server";
import type { PaymentPayload, PaymentRequired } from "@x402/core/types";
import { authorizationTypes } from "@x402/evm";
import { ExactEvmScheme } from "@x402/evm/exact/client";
import { type Address, getAddress, type Hex, isAddressEqual, recoverTypedDataAddress } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import type { DevAccount } from "../chain/accounts.ts";
import type { RunningLocalChain } from "../chain/start-local-chain.ts";
import type { CapturedCall } from "./pay-capture.ts";
import { balanceReader } from "./pay-payers.ts";
import { percentile } from "./stats.ts";

/** One step of a paid call, timed on its own, sequentially (no load), so the steps can be added up. */
export interface Cost {
  what: string;
  samples: number[];
}

export interface CostInput {
  captured: CapturedCall;
  payer: DevAccount;
  chain: RunningLocalChain;
  facilitatorUrl: string;
  /** /settle samples pay this address, never the API's payTo, so the balance checks stay exact. */
  settlePayTo: Address;
  /** Plain GETs timed as they are: the 402 leg of each side, the creator worker alone. */
  gets: ReadonlyArray<{ what: string; url: string; status: number }>;
}

const SIGNATURES = 100;
const ROUND_TRIPS = 30;
const SETTLES = 20;

export async function measureCosts(input: CostInput): Promise<Cost[]> {
  const { captured, chain } = input;
  const client = payingClient(input.payer, chain.network, chain.asset);
  const costs: Cost[] = [];
  for (const get of input.gets) {
    costs.push({ what: get.what, samples: await timeEach(ROUND_TRIPS, () => getOnce(get.url, get.status)) });
  }

  const payloads: PaymentPayload[] = [];
  const sign = await timeEach(SIGNATURES, async () => {
    payloads.push(await client.createPaymentPayload(captured.paymentRequired));
  });
  costs.push({ what: "client: sign EIP-3009 (createPaymentPayload)", samples: sign });

  const typed = payloads.map((payload) => typedData(payload, captured));
  let i = 0;
  const recover = await timeEach(SIGNATURES, async () => {
    const { signature, ...data } = typed[i++]!;
    const signer = await recoverTypedDataAddress({ ...data, signature });
    if (!isAddressEqual(signer, input.payer.address)) throw new Error("recovered the wrong signer");
  });
  costs.push({ what: "viem recoverTypedDataAddress (local ECDSA)", samples: recover });

  // What the facilitator's signer runs: viem's verifyTypedData action, which for a plain EOA
  // signature still makes an ERC-6492 eth_call before falling back to local recovery.
  const { client: rpc } = balanceReader(chain);
  i = 0;
  const rpcVerify = await timeEach(ROUND_TRIPS, async () => {
    const { signature, ...data } = typed[i++]!;
    if (!(await rpc.verifyTypedData({ ...data, address: input.payer.address, signature })))
      throw new Error("verifyTypedData refused a good signature");
  });
  costs.push({ what: "viem verifyTypedData action (RPC, as the facilitator)", samples: rpcVerify });

  const facilitator = new HTTPFacilitatorClient({ url: input.facilitatorUrl });
  i = 0;
  const verify = await timeEach(ROUND_TRIPS, async () => {
    const result = await facilitator.verify(payloads[i++]!, captured.requirements);
    if (!result.isValid) throw new Error(`facilitator /verify refused: ${result.invalidReason}`);
  });
  costs.push({ what: "facilitator POST /verify round trip", samples: verify });

  const elsewhere = withPayTo(captured.paymentRequired, input.settlePayTo);
  const settle: number[] = [];
  for (let k = 0; k < SETTLES; k++) {
    // Each settlement needs its own authorization (to the other address); signing is left out of the sample.
    const payload = await client.createPaymentPayload(elsewhere);
    const started = performance.now();
    const result = await facilitator.settle(payload, payload.accepted);
    settle.push(performance.now() - started);
    if (!result.success) throw new Error(`facilitator /settle failed: ${result.errorReason}`);
  }
  costs.push({ what: "facilitator POST /settle round trip (anvil automine)", samples: settle });
  return costs;
}

export function costSummary(cost: Cost): { p50: number; p99: number; n: number } {
  const sorted = [...cost.samples].sort((a, b) => a - b);
  return { p50: percentile(sorted, 50), p99: percentile(sorted, 99), n: sorted.length };
}

/** The same x402 client createPayingFetch builds, without the fetch wrapper. */
function payingClient(payer: DevAccount, network: `${string}:${string}`, asset: string) {
  return new x402Client()
    .register(network, new ExactEvmScheme(privateKeyToAccount(payer.privateKey)))
    .setSpendControls({ allowedAssets: [{ network, asset }] });
}

/** Times `run` n times in a row. */
async function timeEach(n: number, run: () => Promise<unknown>): Promise<number[]> {
  const samples: number[] = [];
  for (let k = 0; k < n; k++) {
    const started = performance.now();
    await run();
    samples.push(performance.now() - started);
  }
  return samples;
}

async function getOnce(url: string, status: number): Promise<void> {
  const response = await fetch(url);
  await response.arrayBuffer();
  if (response.status !== status) throw new Error(`expected ${status} from ${url}, got ${response.status}`);
}

interface Authorization {
  from: Address;
  to: Address;
  value: string;
  validAfter: string;
  validBefore: string;
  nonce: Hex;
}

/** The EIP-712 typed data a facilitator checks, rebuilt from a payload as @x402/evm does. */
function typedData(payload: PaymentPayload, captured: CapturedCall) {
  const { authorization, signature } = payload.payload as { authorization: Authorization; signature: Hex };
  const { extra, network, asset } = captured.requirements;
  return {
    domain: {
      name: String(extra["name"]),
      version: String(extra["version"]),
      chainId: Number(network.split(":")[1]),
      verifyingContract: getAddress(asset),
    },
    types: authorizationTypes,
    primaryType: "TransferWithAuthorization" as const,
    message: {
      from: authorization.from,
      to: authorization.to,
      value: BigInt(authorization.value),
      validAfter: BigInt(authorization.validAfter),
      validBefore: BigInt(authorization.validBefore),
      nonce: authorization.nonce,
    },
    signature,
  };
}

function withPayTo(paymentRequired: PaymentRequired, payTo: Address): PaymentRequired {
  return { ...paymentRequired, accepts: paymentRequired.accepts.map((option) => ({ ...option, payTo })) };
}
