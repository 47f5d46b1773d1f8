import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { PaymentPayload, PaymentRequirements } from "@x402/core/types";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FacilitatorTrace, facilitatorFor } from "./facilitator.ts";
import type { PaymentConfig } from "./payment-config.ts";

// How the gateway reads a facilitator's HTTP answers: x402's typed refusals are the payer's 402,
// anything else is a facilitator fault recorded on the call (502). The answers are those a
// facilitator sends on refusal or failure, served over real HTTP.
let server: Server;
let url: string;
const answers: Record<string, { status: number; body: string }> = {};

beforeAll(async () => {
  server = createServer((request, response) => {
    const answer = answers[request.url ?? ""] ?? { status: 404, body: "{}" };
    response.writeHead(answer.status, { "content-type": "application/json" }).end(answer.body);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => server?.close());

const config = (): PaymentConfig => ({
  network: "eip155:31337",
  asset: "0x5FbDB2315678afecb367f032d93F642f64180aa3",
  assetName: "USD Coin",
  assetVersion: "2",
  facilitatorUrl: url,
  maxTimeoutSeconds: 60,
  facilitatorTimeoutMs: 5_000,
});
const payload = { x402Version: 2, payload: {}, accepted: {} } as unknown as PaymentPayload;
const requirements = { network: "eip155:31337" } as unknown as PaymentRequirements;

describe("facilitator answers", () => {
  it("turns a typed verify refusal (error status, VerifyResponse body) into an invalid result", async () => {
    answers["/verify"] = {
      status: 400,
      body: JSON.stringify({ isValid: false, invalidReason: "invalid_exact_evm_payload_signature" }),
    };
    const trace: FacilitatorTrace = {};
    const result = await facilitatorFor(config(), () => trace).verify(payload, requirements);
    expect(result).toMatchObject({ isValid: false, invalidReason: "invalid_exact_evm_payload_signature" });
    expect(trace.error).toBeUndefined();
  });

  it("turns a typed settle refusal into a failed result that keeps its transaction", async () => {
    answers["/settle"] = {
      status: 400,
      body: JSON.stringify({ success: false, errorReason: "transaction_reverted", transaction: "0xabc" }),
    };
    const result = await facilitatorFor(config(), () => undefined).settle(payload, requirements);
    expect(result).toMatchObject({
      success: false,
      errorReason: "transaction_reverted",
      transaction: "0xabc",
    });
  });

  it("records any other failure on the call's trace and rethrows it", async () => {
    answers["/verify"] = { status: 500, body: JSON.stringify({ error: { code: "rpc_unavailable" } }) };
    const trace: FacilitatorTrace = {};
    await expect(facilitatorFor(config(), () => trace).verify(payload, requirements)).rejects.toThrow(/500/);
    expect(trace.error).toMatchObject({ operation: "verify" });
  });
});
