import { describe, expect, it } from "vitest";
import { type ExpectedTerms, inspectPayment } from "./inspect-payment.ts";

const expected: ExpectedTerms = {
  scheme: "exact",
  network: "eip155:31337",
  asset: "0x5FbDB2315678afecb367f032d93F642f64180aa3",
  amount: "1000",
  payTo: "0x90F79bf6EB2c4f870365E785982E1f101E93b906",
  maxTimeoutSeconds: 60,
  extra: { name: "USD Coin", version: "2" },
};

const authorization = {
  from: "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC",
  to: expected.payTo,
  value: "1000",
  validAfter: "0",
  validBefore: "1900000000",
  nonce: `0x${"ab".repeat(32)}`,
};

function header(
  overrides: { top?: object; accepted?: object; authorization?: object; signature?: unknown } = {},
): string {
  const payload = {
    x402Version: 2,
    accepted: { ...expected, ...overrides.accepted },
    payload: {
      authorization: { ...authorization, ...overrides.authorization },
      signature: overrides.signature ?? `0x${"11".repeat(65)}`,
    },
    ...overrides.top,
  };
  return btoa(JSON.stringify(payload));
}

describe("inspectPayment", () => {
  it("accepts a well-formed payment for the current terms", () => {
    expect(inspectPayment(header(), expected, [])).toEqual({ ok: true });
  });

  it.each([
    ["not base64", "%%%", "invalid_payment_header"],
    ["base64 of text", btoa("hello"), "invalid_payment_header"],
    ["a JSON array", btoa("[]"), "invalid_payment_payload"],
    ["version 1", header({ top: { x402Version: 1 } }), "unsupported_x402_version"],
    ["no accepted", header({ top: { accepted: null } }), "invalid_payment_payload"],
    [
      "no authorization",
      btoa(JSON.stringify({ x402Version: 2, accepted: expected, payload: {} })),
      "missing_authorization",
    ],
    ["a short nonce", header({ authorization: { nonce: "0x1234" } }), "invalid_authorization_nonce"],
    ["a bad from", header({ authorization: { from: "0xnope" } }), "invalid_authorization_from"],
    ["a word for value", header({ authorization: { value: "one" } }), "invalid_authorization_value"],
    [
      "a missing validBefore",
      header({ authorization: { validBefore: undefined } }),
      "invalid_authorization_valid_before",
    ],
    ["a 20-byte signature", header({ signature: `0x${"11".repeat(20)}` }), "invalid_signature_format"],
    ["another network", header({ accepted: { network: "eip155:8453" } }), "requirements_mismatch_network"],
    [
      "another asset",
      header({ accepted: { asset: "0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913" } }),
      "requirements_mismatch_asset",
    ],
    ["another amount", header({ accepted: { amount: "1" } }), "requirements_mismatch_amount"],
    ["another payTo", header({ accepted: { payTo: authorization.from } }), "requirements_mismatch_pay_to"],
  ])("refuses %s as %s", (_label, value, code) => {
    expect(inspectPayment(value, expected, [])).toMatchObject({ ok: false, code });
  });

  it("honours a quote for the previous price within its validity window", () => {
    const now = 1_000_000_000_000;
    const earlier = [{ amount: "500", payTo: expected.payTo, until: now - 30_000 }];
    expect(inspectPayment(header({ accepted: { amount: "500" } }), expected, earlier, now)).toEqual({
      ok: true,
      honouredPrice: { amount: "500", payTo: expected.payTo },
    });
  });

  it("refuses an expired quote for the previous price, saying the price changed", () => {
    const now = 1_000_000_000_000;
    const earlier = [{ amount: "500", payTo: expected.payTo, until: now - 61_000 }];
    expect(inspectPayment(header({ accepted: { amount: "500" } }), expected, earlier, now)).toMatchObject({
      ok: false,
      code: "price_changed",
    });
  });
});

describe("inspectPayment for batch-settlement", () => {
  const batch: ExpectedTerms = { ...expected, scheme: "batch-settlement" };
  const payer = "0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC";
  const channelId = `0x${"cd".repeat(32)}`;
  const voucherHeader = (overrides: { payload?: object; accepted?: object } = {}) =>
    btoa(
      JSON.stringify({
        x402Version: 2,
        accepted: { ...batch, ...overrides.accepted },
        payload: {
          type: "voucher",
          channelConfig: {
            payer,
            payerAuthorizer: payer,
            receiver: expected.payTo,
            receiverAuthorizer: payer,
            token: expected.asset,
            withdrawDelay: 900,
            salt: `0x${"00".repeat(32)}`,
          },
          voucher: { channelId, maxClaimableAmount: "1000", signature: `0x${"11".repeat(65)}` },
          ...overrides.payload,
        },
      }),
    );

  it("accepts a well-formed voucher and names the channel and its payer's ledger", () => {
    expect(inspectPayment(voucherHeader(), expected, [], Date.now(), batch)).toEqual({
      ok: true,
      channel: { payer: payer.toLowerCase(), channelId },
    });
  });

  it.each([
    ["an unknown payload type", { type: "claim" }, "invalid_batch_payload_type"],
    ["no channel config", { channelConfig: null }, "missing_channel_config"],
    [
      "a bad voucher signature",
      { voucher: { channelId, maxClaimableAmount: "1", signature: "0x12" } },
      "invalid_voucher_signature",
    ],
    [
      "a bad cumulative amount",
      { voucher: { channelId, maxClaimableAmount: "-1", signature: `0x${"11".repeat(65)}` } },
      "invalid_voucher_max_claimable_amount",
    ],
  ])("refuses %s", (_name, payload, code) => {
    expect(inspectPayment(voucherHeader({ payload }), expected, [], Date.now(), batch)).toMatchObject({
      ok: false,
      code,
    });
  });

  it("checks a voucher's terms like exact's (payTo, amount)", () => {
    const header = voucherHeader({ accepted: { amount: "999" } });
    expect(inspectPayment(header, expected, [], Date.now(), batch)).toMatchObject({
      ok: false,
      code: "requirements_mismatch_amount",
    });
  });

  it("names the scheme when batch-settlement is not offered", () => {
    expect(inspectPayment(voucherHeader(), expected, [])).toMatchObject({
      ok: false,
      code: "requirements_mismatch_scheme",
    });
  });
});
