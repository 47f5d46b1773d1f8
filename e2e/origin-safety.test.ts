import { connect } from "node:net";
import {
  decodePaymentRequiredHeader,
  decodePaymentResponseHeader,
  encodePaymentSignatureHeader,
} from "@x402/core/http";
import type { Address, Hex } from "viem";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPaymentPayload } from "../facilitator/payment-fixtures.ts";
import type { LocalStack } from "../local/stack.ts";
import { HOSTILE_CASES } from "./fixtures/apis/hostile/cases.ts";
import { balanceOf as chainBalanceOf } from "./support/chain.ts";
import { type CountingServer, startCountingServer } from "./support/counting-server.ts";
import { originLeaks } from "./support/origin-leaks.ts";
import { demoPayerFetch } from "./support/pay.ts";
import { makeTempProject, type TempProject } from "./support/temp-project.ts";
import { startTestStack } from "./support/test-stack.ts";

// The marketplace's origin belongs to the platform: hostile creator responses through the real
// gateway in workerd (paid on the real chain), CORS decided by the platform, HEAD never charged,
// and links built on the configured origin whatever Host a request claims.
let project: TempProject;
let stack: LocalStack;
let counter: CountingServer;
let payer: { address: Address; privateKey: Hex };

beforeAll(async () => {
  project = makeTempProject({ fixtures: ["hostile", "counted"] });
  counter = await startCountingServer();
  stack = await startTestStack(project, { extraResolveOverrides: { "counter.402claw.test": counter.url } });
  payer = (stack.devFile as unknown as { payer: typeof payer }).payer;
}, 120_000);

afterAll(async () => {
  await stack?.stop();
  await counter?.stop();
  project?.remove();
});

const balanceOf = (owner: string) => chainBalanceOf(stack, owner);
const payToOf = (slug: string) => stack.devFile.apis.find((api) => api.slug === slug)!.payTo;
const PLATFORM_CORS = {
  "access-control-allow-origin": "*",
  "access-control-expose-headers": "PAYMENT-REQUIRED, PAYMENT-RESPONSE, X-PAYMENT-RESPONSE, Retry-After, *",
};

describe("hostile creator responses through the real gateway", () => {
  const leaked: string[] = [];
  afterAll(() => {
    console.log(
      `origin-affecting headers passed: ${leaked.length} over ${HOSTILE_CASES.length} paid hostile responses`,
    );
  });

  it.each(HOSTILE_CASES.map((hostile) => [hostile.name, hostile] as const))(
    "%s: nothing origin-affecting passes, and the guards are set",
    async (_name, hostile) => {
      const response = await demoPayerFetch(stack.devFile)(`${stack.url}/hostile?case=${hostile.name}`, {
        redirect: "manual",
      });
      expect(response.status).toBe(hostile.status ?? 200);
      const leaks = originLeaks(hostile, response, {
        ...PLATFORM_CORS,
        // The platform's own receipt, never the creator's forged one.
        "payment-response": /^(?!eyJzdWNjZXNzIjp0cnVlLCJ0cmFuc2FjdGlvbiI6IjB4ZmFrZSJ9$)[A-Za-z0-9+/=]+$/,
      });
      leaked.push(...leaks.map((leak) => `${hostile.name}: ${leak}`));
      expect(leaks).toEqual([]);
      if ((hostile.status ?? 200) < 400) {
        const receipt = decodePaymentResponseHeader(response.headers.get("payment-response")!);
        expect(receipt.transaction).toMatch(/^0x[0-9a-f]{64}$/);
      }
      expect(await response.text()).toBe(hostile.body ?? "");
    },
  );
});

describe("answers the platform makes for a creator", () => {
  it.each([
    ["a creator crash (502)", "/hostile?case=crash", {}, 502, "creator_error"],
    [
      "an oversized body (413)",
      "/hostile",
      { method: "POST", body: "x".repeat(1024 * 1024 + 1) },
      413,
      "body_too_large",
    ],
    ["an unknown API (404)", "/no-such-api", {}, 404, "api_not_found"],
  ] as const)("sandboxes %s and sets the platform's CORS", async (_name, path, init, status, code) => {
    const response = await demoPayerFetch(stack.devFile)(`${stack.url}${path}`, init);
    expect(response.status).toBe(status);
    expect(await response.json()).toMatchObject({ error: { code } });
    expect(response.headers.get("content-security-policy")).toBe("sandbox");
    expect(response.headers.get("x-content-type-options")).toBe("nosniff");
    expect(response.headers.get("access-control-allow-origin")).toBe("*");
    expect(response.headers.get("payment-response")).toBeNull();
  });
});

describe("CORS is the platform's", () => {
  it("lets any origin read the 402 and its PAYMENT-REQUIRED header, without credentials", async () => {
    const response = await fetch(`${stack.url}/counted`, { headers: { origin: "https://app.example" } });
    expect(response.status).toBe(402);
    expect(response.headers.get("access-control-allow-origin")).toBe("*");
    expect(response.headers.get("access-control-allow-credentials")).toBeNull();
    expect(response.headers.get("access-control-expose-headers")).toContain("PAYMENT-REQUIRED");
    expect(response.headers.get("access-control-expose-headers")).toContain("PAYMENT-RESPONSE");
    expect(response.headers.get("content-security-policy")).toBe("sandbox");
    expect(response.headers.get("x-content-type-options")).toBe("nosniff");
  });

  it("answers a preflight for free, without running the creator", async () => {
    const hits = counter.hits("/hit/counted");
    const payerBefore = await balanceOf(payer.address);
    const response = await fetch(`${stack.url}/counted`, {
      method: "OPTIONS",
      headers: {
        origin: "https://app.example",
        "access-control-request-method": "POST",
        "access-control-request-headers": "content-type, payment-signature, access-control-expose-headers",
      },
    });
    expect(response.status).toBe(204);
    expect(response.headers.get("access-control-allow-origin")).toBe("*");
    expect(response.headers.get("access-control-allow-methods")).toContain("POST");
    expect(response.headers.get("access-control-allow-headers")).toContain("payment-signature");
    expect(response.headers.get("payment-required")).toBeNull();
    expect(counter.hits("/hit/counted")).toBe(hits);
    expect(await balanceOf(payer.address)).toBe(payerBefore);
  });

  it("answers 404 (with CORS) to a preflight for an unknown API", async () => {
    const response = await fetch(`${stack.url}/no-such-api`, { method: "OPTIONS" });
    expect(response.status).toBe(404);
    expect(response.headers.get("access-control-allow-origin")).toBe("*");
  });

  it("refuses to serve an API response as a service worker script", async () => {
    const response = await fetch(`${stack.url}/counted`, { headers: { "service-worker": "script" } });
    expect(response.status).toBe(403);
    expect(await response.json()).toMatchObject({ error: { code: "service_worker_refused" } });
  });
});

describe("HEAD is never charged", () => {
  it("answers a HEAD carrying a valid payment with the free quote: no run, no transfer, no claim", async () => {
    const response402 = await fetch(`${stack.url}/counted`);
    const requirements = decodePaymentRequiredHeader(
      response402.headers.get("payment-required")!,
    ).accepts.find((offer) => offer.scheme === "exact")!;
    const header = encodePaymentSignatureHeader(await createPaymentPayload(payer.privateKey, requirements));
    const hits = counter.hits("/hit/counted");
    const [payerBefore, payToBefore] = [await balanceOf(payer.address), await balanceOf(payToOf("counted"))];

    const head = await fetch(`${stack.url}/counted`, {
      method: "HEAD",
      headers: { "payment-signature": header },
    });
    expect(head.status).toBe(402);
    expect(head.headers.get("payment-required")).toBeTruthy();
    expect(head.headers.get("payment-response")).toBeNull();
    expect(counter.hits("/hit/counted")).toBe(hits);
    expect(await balanceOf(payer.address)).toBe(payerBefore);
    expect(await balanceOf(payToOf("counted"))).toBe(payToBefore);

    // Nothing was claimed: the same signature still buys exactly one GET, which runs the creator once.
    const get = await fetch(`${stack.url}/counted`, { headers: { "payment-signature": header } });
    expect(get.status).toBe(200);
    expect(counter.hits("/hit/counted")).toBe(hits + 1);
    expect(payerBefore - (await balanceOf(payer.address))).toBe(1000n);
  });
});

describe("links are built on the configured origin, never on the Host header", () => {
  it("names the configured origin in the 402's resource.url for a forged Host", async () => {
    const { status, headers } = await rawRequest("/counted?x=1", "evil.example");
    expect(status).toBe(402);
    const encoded = /\r\npayment-required: *([^\r\n]+)/i.exec(headers)?.[1] ?? "";
    const required = JSON.parse(atob(encoded)) as { resource: { url: string } };
    expect(required.resource.url).toBe(`${stack.url}/counted`);
  });

  it("links the catalog (JSON and HTML) to the configured origin for a forged Host", async () => {
    const json = await rawRequest("/?format=json", "evil.example");
    expect(json.status).toBe(200);
    const { apis } = JSON.parse(json.body) as { apis: Array<{ url: string; exampleRequest: string }> };
    expect(apis.length).toBeGreaterThan(0);
    for (const api of apis) {
      expect(api.url.startsWith(`${stack.url}/`)).toBe(true);
      expect(api.exampleRequest).toContain(` ${stack.url}/`);
    }
    const html = await rawRequest("/?format=html", "evil.example");
    expect(html.body).toContain(`href="${stack.url}/counted"`);
    expect(html.body).not.toContain("evil.example");
  });
});

/** One HTTP/1.1 request with the Host header given, which fetch would not let us forge. */
function rawRequest(
  target: string,
  host: string,
): Promise<{ status: number; headers: string; body: string }> {
  const { hostname, port } = new URL(stack.url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => {
      socket.write(
        `GET ${target} HTTP/1.1\r\nHost: ${host}\r\nAccept: application/json\r\nConnection: close\r\n\r\n`,
      );
    });
    let data = "";
    socket.setEncoding("utf8");
    const finish = () => {
      const headerEnd = data.indexOf("\r\n\r\n");
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(data)?.[1] ?? 0);
      resolve({ status, headers: data.slice(0, headerEnd), body: dechunk(data.slice(headerEnd + 4), data) });
      socket.destroy();
    };
    socket.on("data", (chunk) => {
      data += chunk;
      // workerd keeps the connection open: stop once the whole body has arrived.
      const headerEnd = data.indexOf("\r\n\r\n");
      if (headerEnd === -1) return;
      const head = data.slice(0, headerEnd);
      const length = /\r\ncontent-length: *(\d+)/i.exec(head)?.[1];
      const body = data.slice(headerEnd + 4);
      if (length !== undefined ? Buffer.byteLength(body) >= Number(length) : body.endsWith("0\r\n\r\n"))
        finish();
    });
    socket.on("end", finish);
    socket.on("error", reject);
  });
}

/** The body of a raw response, undoing chunked transfer encoding when it was used. */
function dechunk(body: string, whole: string): string {
  if (!/\r\ntransfer-encoding: *chunked/i.test(whole.slice(0, whole.indexOf("\r\n\r\n")))) return body;
  let out = "";
  let rest = body;
  for (;;) {
    const lineEnd = rest.indexOf("\r\n");
    const size = Number.parseInt(rest.slice(0, lineEnd), 16);
    if (!size) return out;
    out += rest.slice(lineEnd + 2, lineEnd + 2 + size);
    rest = rest.slice(lineEnd + 2 + size + 2);
  }
}
