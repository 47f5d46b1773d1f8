import { describe, expect, it, vi } from "vitest";
import type { RateLimiter } from "./egress-rate-limit.ts";
import {
  handleOutbound,
  type OutboundEnv,
  type OutboundParams,
  parseResolveOverrides,
} from "./handle-outbound.ts";

const PARAMS: OutboundParams = {
  slug: "fx-rates",
  owner: "0xAbC0000000000000000000000000000000000001",
  egress: "api.frankfurter.app, *.example.com",
};

/** A fetch stand-in that records what it was asked and answers with `respond`. */
function recordingFetch(
  respond: (request: Request) => Response | Promise<Response> = () => new Response("ok"),
) {
  const seen: Request[] = [];
  const fetchImpl = vi.fn(async (input: RequestInfo | URL) => {
    const request = input as Request;
    seen.push(request);
    return respond(request);
  });
  return { fetchImpl: fetchImpl as unknown as typeof fetch, seen, calls: fetchImpl };
}

async function errorOf(response: Response) {
  return ((await response.json()) as { error: { code: string; message: string } }).error;
}

describe("handleOutbound denials", () => {
  it("refuses an internal destination with 403 JSON and never fetches", async () => {
    const { fetchImpl, calls } = recordingFetch();
    const response = await handleOutbound(
      new Request("http://169.254.169.254/latest/"),
      PARAMS,
      {},
      { fetchImpl },
    );
    expect(response.status).toBe(403);
    expect(response.headers.get("x-402claw-egress")).toBe("denied");
    expect(response.headers.get("content-type")).toContain("application/json");
    const error = await errorOf(response);
    expect(error.code).toBe("internal_destination");
    expect(error.message).toContain("metadata");
    expect(calls).not.toHaveBeenCalled();
  });

  it("refuses a host that is not on the allowlist", async () => {
    const { fetchImpl, calls } = recordingFetch();
    const response = await handleOutbound(new Request("https://api.github.com/"), PARAMS, {}, { fetchImpl });
    expect(response.status).toBe(403);
    expect((await errorOf(response)).code).toBe("host_not_allowed");
    expect(calls).not.toHaveBeenCalled();
  });

  it("denies everything when the params are missing (empty allowlist)", async () => {
    const { fetchImpl, calls } = recordingFetch();
    const response = await handleOutbound(
      new Request("https://api.frankfurter.app/"),
      { slug: "", owner: "", egress: "" },
      {},
      { fetchImpl },
    );
    expect(response.status).toBe(403);
    expect(calls).not.toHaveBeenCalled();
  });

  it("rate limits per owner with 429, before any upstream call", async () => {
    const keys: string[] = [];
    const limiter: RateLimiter = {
      async limit({ key }) {
        keys.push(key);
        return { success: false };
      },
    };
    const { fetchImpl, calls } = recordingFetch();
    const response = await handleOutbound(
      new Request("https://api.frankfurter.app/latest"),
      PARAMS,
      { EGRESS_LIMITER: limiter },
      { fetchImpl },
    );
    expect(response.status).toBe(429);
    expect(response.headers.get("x-402claw-egress")).toBe("denied");
    expect((await errorOf(response)).code).toBe("egress_rate_limited");
    expect(keys).toEqual(["egress:0xabc0000000000000000000000000000000000001"]);
    expect(calls).not.toHaveBeenCalled();
  });

  it("falls back to the slug as the rate-limit key when the owner is missing", async () => {
    const keys: string[] = [];
    const limiter: RateLimiter = {
      async limit({ key }) {
        keys.push(key);
        return { success: true };
      },
    };
    const { fetchImpl } = recordingFetch();
    const response = await handleOutbound(
      new Request("https://api.frankfurter.app/latest"),
      { ...PARAMS, owner: "" },
      { EGRESS_LIMITER: limiter },
      { fetchImpl },
    );
    expect(response.status).toBe(200);
    expect(keys).toEqual(["egress:fx-rates"]);
  });
});

describe("handleOutbound forwarding", () => {
  it("forwards an allowed request without hop-by-hop or platform headers, and never follows redirects", async () => {
    const { fetchImpl, seen } = recordingFetch();
    const request = new Request("https://API.frankfurter.app/latest?from=USD", {
      headers: {
        accept: "application/json",
        "keep-alive": "timeout=5",
        "proxy-authorization": "Basic eA==",
        "x-402claw-payer": "0xpayer",
        "x-debug-token": "named-by-connection",
        connection: "x-debug-token",
        te: "trailers",
      },
    });
    const response = await handleOutbound(request, PARAMS, {}, { fetchImpl });
    expect(response.status).toBe(200);
    expect(await response.text()).toBe("ok");
    const sent = seen[0]!;
    expect(sent.url).toBe("https://api.frankfurter.app/latest?from=USD");
    expect(sent.redirect).toBe("manual");
    expect(sent.headers.get("accept")).toBe("application/json");
    for (const name of [
      "keep-alive",
      "proxy-authorization",
      "x-402claw-payer",
      "x-debug-token",
      "connection",
      "te",
    ]) {
      expect(sent.headers.has(name), name).toBe(false);
    }
  });

  it("forwards the method and body of a POST", async () => {
    const { fetchImpl, seen } = recordingFetch(
      async (request) => new Response(`echo:${await request.text()}`),
    );
    const response = await handleOutbound(
      new Request("https://data.example.com/ingest", { method: "POST", body: '{"a":1}' }),
      PARAMS,
      {},
      { fetchImpl },
    );
    expect(seen[0]!.method).toBe("POST");
    expect(await response.text()).toBe('echo:{"a":1}');
  });

  it("passes upstream status and headers back, minus hop-by-hop and spoofed platform headers", async () => {
    const { fetchImpl } = recordingFetch(
      () =>
        new Response("moved", {
          status: 302,
          headers: {
            location: "http://127.0.0.1/admin",
            "x-402claw-egress": "allowed",
            "keep-alive": "timeout=5",
            "x-upstream": "yes",
          },
        }),
    );
    const response = await handleOutbound(
      new Request("https://api.frankfurter.app/"),
      PARAMS,
      {},
      { fetchImpl },
    );
    expect(response.status).toBe(302);
    expect(response.headers.get("location")).toBe("http://127.0.0.1/admin");
    expect(response.headers.get("x-upstream")).toBe("yes");
    expect(response.headers.has("x-402claw-egress")).toBe(false);
    expect(response.headers.has("keep-alive")).toBe(false);
  });

  it("answers 504 JSON in time even when the fetch ignores its abort signal, and aborts it", async () => {
    // Hold the Request itself: undici ties its signal to it weakly, so a bare signal could be collected.
    let sent: Request | undefined;
    const hanging = (async (input: RequestInfo | URL) => {
      sent = input as Request;
      return new Promise<Response>(() => {});
    }) as typeof fetch;
    const started = Date.now();
    const response = await handleOutbound(
      new Request("https://api.frankfurter.app/"),
      PARAMS,
      {},
      {
        fetchImpl: hanging,
        timeoutMs: 50,
      },
    );
    expect(response.status).toBe(504);
    expect(response.headers.get("x-402claw-egress")).toBe("error");
    expect((await errorOf(response)).code).toBe("upstream_timeout");
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(sent?.signal.aborted).toBe(true);
  });

  it("answers 502 JSON when the upstream cannot be reached", async () => {
    const failing = (async () => {
      throw new TypeError("fetch failed");
    }) as typeof fetch;
    const response = await handleOutbound(
      new Request("https://api.frankfurter.app/"),
      PARAMS,
      {},
      {
        fetchImpl: failing,
      },
    );
    expect(response.status).toBe(502);
    expect((await errorOf(response)).code).toBe("upstream_unreachable");
  });
});

describe("RESOLVE_OVERRIDES (local stack)", () => {
  const env: OutboundEnv = {
    RESOLVE_OVERRIDES: JSON.stringify({ "API.frankfurter.app.": "http://127.0.0.1:8790/" }),
  };

  it("re-targets an allowed host to the override origin, keeping path and query", async () => {
    const { fetchImpl, seen } = recordingFetch();
    const response = await handleOutbound(
      new Request("https://api.frankfurter.app/latest?from=USD"),
      PARAMS,
      env,
      {
        fetchImpl,
      },
    );
    expect(response.status).toBe(200);
    expect(seen[0]!.url).toBe("http://127.0.0.1:8790/latest?from=USD");
  });

  it("still judges the asked-for hostname: an override never makes a denied host reachable", async () => {
    const { fetchImpl, calls } = recordingFetch();
    const overrides: OutboundEnv = {
      RESOLVE_OVERRIDES: JSON.stringify({ "api.github.com": "http://127.0.0.1:8790" }),
    };
    const response = await handleOutbound(new Request("https://api.github.com/"), PARAMS, overrides, {
      fetchImpl,
    });
    expect(response.status).toBe(403);
    expect(calls).not.toHaveBeenCalled();
  });

  it("fails closed with a 503 naming RESOLVE_OVERRIDES when the overrides are malformed", async () => {
    const { fetchImpl, calls } = recordingFetch();
    const response = await handleOutbound(
      new Request("https://api.frankfurter.app/"),
      PARAMS,
      { RESOLVE_OVERRIDES: '{"api.frankfurter.app": "127.0.0.1:8790"}' },
      { fetchImpl },
    );
    expect(response.status).toBe(503);
    expect(response.headers.get("x-402claw-egress")).toBe("error");
    const error = await errorOf(response);
    expect(error.code).toBe("outbound_misconfigured");
    expect(error.message).toContain("RESOLVE_OVERRIDES");
    expect(error.message).toContain("http(s) origin");
    expect(calls).not.toHaveBeenCalled();
  });

  it("parses an absent or empty value as no overrides", () => {
    expect(parseResolveOverrides(undefined).size).toBe(0);
    expect(parseResolveOverrides("  ").size).toBe(0);
    expect(() => parseResolveOverrides("[1]")).toThrow(/JSON object/);
  });
});
