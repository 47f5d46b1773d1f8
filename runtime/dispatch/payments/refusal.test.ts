import { decodePaymentRequiredHeader, encodePaymentRequiredHeader } from "@x402/core/http";
import { describe, expect, it } from "vitest";
import { withCodedReason } from "./refusal.ts";

const required = (error: string) => ({
  x402Version: 2 as const,
  error,
  resource: { url: "https://market.example/a", description: "a", mimeType: "application/json" },
  accepts: [],
});

const quote = (error: string) =>
  new Response("{}", {
    status: 402,
    headers: { "payment-required": encodePaymentRequiredHeader(required(error)) },
  });

describe("402 reasons", () => {
  it("replaces x402's sentence with the call's code, keeping the sentence as the message", async () => {
    const response = await withCodedReason(
      quote("No matching payment requirements"),
      "requirements_mismatch",
    );
    expect(decodePaymentRequiredHeader(response.headers.get("payment-required")!).error).toBe(
      "requirements_mismatch",
    );
    expect(await response.json()).toMatchObject({
      error: "requirements_mismatch",
      message: "No matching payment requirements",
    });
  });

  it("leaves a 402 that already carries the code, and any other status, as it is", async () => {
    const coded = quote("invalid_exact_evm_payload_signature");
    expect(await withCodedReason(coded, "invalid_exact_evm_payload_signature")).toBe(coded);
    const served = new Response("ok");
    expect(await withCodedReason(served, "payment_required")).toBe(served);
  });
});
