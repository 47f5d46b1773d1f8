import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { Log, LogLevel, Miniflare } from "miniflare";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bundleWorker, runtimePath } from "../../core/build/bundle.ts";
import { COMPATIBILITY_DATE, PLATFORM_COMPATIBILITY_FLAGS } from "../../core/build/compat.ts";
import { OUTBOUND_PARAMS } from "./dispatch-worker.ts";

// On Cloudflare, each outbound param the gateway's binding declares (`params: [{ name }]`) arrives
// in the outbound worker as `env.<name>`. This runs the real outbound worker bundle in workerd with
// exactly those names as its env and checks it acts on them: the egress allowlist passed as the
// `egress` param lets one host through and refuses another.
let mf: Miniflare;
let upstream: ReturnType<typeof createServer>;

beforeAll(async () => {
  upstream = createServer((_req, res) => res.end("from the allowed host"));
  await new Promise<void>((resolve) => upstream.listen(0, "127.0.0.1", resolve));
  const origin = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
  const params: Record<string, string> = {
    slug: "fx-convert",
    owner: "0x9965507D1a55bcC2695C58ba16FB37d819B0A4dc",
    egress: "api.example.com",
  };
  mf = new Miniflare({
    cf: false,
    log: new Log(LogLevel.WARN),
    modules: [
      {
        type: "ESModule",
        path: "worker.js",
        contents: await bundleWorker(runtimePath("outbound/worker.ts")),
      },
    ],
    compatibilityDate: COMPATIBILITY_DATE,
    compatibilityFlags: PLATFORM_COMPATIBILITY_FLAGS,
    bindings: {
      // what Cloudflare sets from the upload's params: one env entry per declared name
      ...Object.fromEntries(OUTBOUND_PARAMS.map((name) => [name, params[name]!])),
      // the allowed host is served by a loopback fixture (the policy still judges the name)
      RESOLVE_OVERRIDES: JSON.stringify({ "api.example.com": origin }),
    },
  });
  await mf.ready;
}, 60_000);
afterAll(async () => {
  await mf?.dispose();
  await new Promise<void>((resolve) => upstream?.close(() => resolve()));
});

describe("outbound params reach the outbound worker under the names the gateway declares", () => {
  it("the egress param allows its host and the outbound worker refuses any other", async () => {
    const allowed = await mf.dispatchFetch("http://api.example.com/rates");
    expect(allowed.status).toBe(200);
    expect(await allowed.text()).toBe("from the allowed host");
    const refused = await mf.dispatchFetch("http://other.example.com/");
    expect(refused.status).toBe(403);
    expect(await refused.text()).toMatch(/other\.example\.com/);
  });
});
