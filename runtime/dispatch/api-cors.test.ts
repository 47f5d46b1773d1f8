import { describe, expect, it } from "vitest";
import { isPreflight, preflightResponse, withApiCors } from "./api-cors.ts";

const preflight = (headers: Record<string, string>) =>
  preflightResponse(new Request("https://market.example/api", { method: "OPTIONS", headers }));

describe("the platform's CORS for APIs", () => {
  it("answers a preflight with any origin, no credentials, and the headers x402 clients send", () => {
    const response = preflight({ origin: "https://app.example", "access-control-request-method": "POST" });
    expect(response.status).toBe(204);
    expect(response.headers.get("access-control-allow-origin")).toBe("*");
    expect(response.headers.get("access-control-allow-credentials")).toBeNull();
    expect(response.headers.get("access-control-allow-headers")).toContain("PAYMENT-SIGNATURE");
    expect(response.headers.get("access-control-allow-headers")).toContain("Access-Control-Expose-Headers");
  });

  it("echoes a well-formed list of requested headers and ignores a malformed one", () => {
    expect(
      preflight({ "access-control-request-headers": "x-a, content-type" }).headers.get(
        "access-control-allow-headers",
      ),
    ).toBe("x-a, content-type");
    expect(
      preflight({ "access-control-request-headers": "x-a, (b)" }).headers.get("access-control-allow-headers"),
    ).toContain("PAYMENT-SIGNATURE");
  });

  it("overrides whatever CORS a response carried and exposes the payment headers", () => {
    const response = withApiCors(
      new Response("x", { headers: { "access-control-allow-origin": "https://evil.example" } }),
    );
    expect(response.headers.get("access-control-allow-origin")).toBe("*");
    expect(response.headers.get("access-control-expose-headers")).toContain("PAYMENT-REQUIRED");
    expect(response.headers.get("access-control-expose-headers")).toContain("PAYMENT-RESPONSE");
  });

  it("treats only OPTIONS as a preflight", () => {
    expect(isPreflight(new Request("https://m.example/a", { method: "OPTIONS" }))).toBe(true);
    expect(isPreflight(new Request("https://m.example/a", { method: "GET" }))).toBe(false);
  });
});
