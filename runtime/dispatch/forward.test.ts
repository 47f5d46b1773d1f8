import { describe, expect, it } from "vitest";
import { DEFAULT_CREATOR_CPU_MS, MAX_CREATOR_BODY_BYTES } from "../../core/creator-limits.ts";
import type { DispatchOptions } from "../local-namespace/protocol.ts";
import type { ApiRecord } from "./api-record.ts";
import { CPU_LIMIT_MESSAGE } from "./creator-fault.ts";
import type { DispatchEnv } from "./env.ts";
import { forwardToCreator } from "./forward.ts";
import { testDispatchEnv } from "./test-env.ts";

// The production path: the Workers for Platforms binding runs only on Cloudflare, so a stand-in
// with its shape (`get(name, args, options).fetch(request)`) plays the user worker here.

const API = {
  slug: "demo",
  owner: "0x90F79bf6EB2c4f870365E785982E1f101E93b906",
  workerName: "demo-worker",
  limits: {},
  egress: [],
} as unknown as ApiRecord;

function envWith(
  answer: (request: Request) => Promise<Response>,
  settings: Partial<DispatchEnv> = {},
): { env: DispatchEnv; calls: DispatchOptions[] } {
  const calls: DispatchOptions[] = [];
  const dispatcher = {
    get: (_name: string, _args: object, options: DispatchOptions) => {
      calls.push(options);
      return { fetch: answer };
    },
  };
  return { env: testDispatchEnv({ DISPATCHER: dispatcher, ...settings }), calls };
}

const forward = (env: DispatchEnv, api: ApiRecord = API) =>
  forwardToCreator(env, new Request("https://gateway.test/demo/x"), { api, pathAndQuery: "/x", body: null });

const errorOf = async (response: Response) =>
  ((await response.json()) as { error: Record<string, unknown> }).error;

/** A body that sends a first chunk and then fails. */
function brokenBody(): ReadableStream<Uint8Array> {
  let pulls = 0;
  return new ReadableStream({
    pull(controller) {
      if (pulls++ === 0) controller.enqueue(new TextEncoder().encode('{"partial":'));
      else controller.error(new Error("broke"));
    },
  });
}

describe("forwardToCreator", () => {
  it("passes the manifest's cpuMs, else the platform setting, else the default, on every dispatch", async () => {
    const ok = async () => Response.json({ ok: true });
    const own = envWith(ok);
    await forward(own.env, { ...API, limits: { cpuMs: 25 } });
    expect(own.calls[0]?.limits).toEqual({ cpuMs: 25 });
    const setting = envWith(ok, { CREATOR_CPU_MS: "300" });
    await forward(setting.env);
    expect(setting.calls[0]?.limits).toEqual({ cpuMs: 300 });
    const fallback = envWith(ok);
    await forward(fallback.env);
    expect(fallback.calls[0]?.limits).toEqual({ cpuMs: DEFAULT_CREATOR_CPU_MS });
    // A setting that is not a number is refused by the settings schema, naming it (fail closed).
    await expect(forward(envWith(ok, { CREATOR_CPU_MS: "not a number" }).env)).rejects.toThrow(
      /CREATOR_CPU_MS/,
    );
  });

  it("passes the creator's answer through, body included", async () => {
    const { env } = envWith(async () => new Response("hello", { status: 201, headers: { "x-a": "1" } }));
    const response = await forward(env);
    expect(response.status).toBe(201);
    expect(response.headers.get("x-a")).toBe("1");
    expect(await response.text()).toBe("hello");
  });

  it("maps the platform's CPU-limit exception to 502 creator_cpu_exceeded", async () => {
    const { env } = envWith(async () => {
      throw new Error(CPU_LIMIT_MESSAGE);
    });
    const response = await forward(env, { ...API, limits: { cpuMs: 10 } });
    expect(response.status).toBe(502);
    expect(await errorOf(response)).toMatchObject({ code: "creator_cpu_exceeded", api: "demo" });
  });

  it("turns a body that fails after its headers into 502 creator_error", async () => {
    const { env } = envWith(async () => new Response(brokenBody(), { status: 200 }));
    const response = await forward(env);
    expect(response.status).toBe(502);
    expect(await errorOf(response)).toMatchObject({ code: "creator_error", api: "demo" });
  });

  it("refuses a body over the cap with 502 creator_response_too_large", async () => {
    const chunk = new Uint8Array(1024 * 1024);
    let sent = 0;
    const huge = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent > MAX_CREATOR_BODY_BYTES) return controller.close();
        sent += chunk.byteLength;
        controller.enqueue(chunk);
      },
    });
    const { env } = envWith(async () => new Response(huge));
    const response = await forward(env);
    expect(response.status).toBe(502);
    expect(await errorOf(response)).toMatchObject({ code: "creator_response_too_large" });
  });

  it("answers 502 creator_timeout when headers or body do not arrive in time", async () => {
    const never = envWith(() => new Promise(() => {}), { CREATOR_TIMEOUT_MS: "100" });
    expect(await errorOf(await forward(never.env))).toMatchObject({ code: "creator_timeout" });
    const stalledBody = envWith(
      async () => new Response(new ReadableStream({ pull: () => new Promise(() => {}) })),
      {
        CREATOR_TIMEOUT_MS: "100",
      },
    );
    const response = await forward(stalledBody.env);
    expect(response.status).toBe(502);
    expect(await errorOf(response)).toMatchObject({ code: "creator_timeout" });
  });

  it("keeps a no-body status without a body", async () => {
    const { env } = envWith(async () => new Response(null, { status: 204 }));
    const response = await forward(env);
    expect(response.status).toBe(204);
    expect(response.body).toBeNull();
  });
});
