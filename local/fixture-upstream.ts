import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A loopback stand-in for the outside host the example function API calls (api.frankfurter.app),
 * so the marketplace runs offline. Only the local stack maps that hostname here; the outbound
 * worker still judges the hostname the creator asked for. Rates are fixed sample values.
 */
export const FIXTURE_HOST = "api.frankfurter.app";
const SAMPLE_RATES: Record<string, number> = {
  USD: 1,
  EUR: 0.9215,
  GBP: 0.7893,
  JPY: 154.32,
  CHF: 0.8841,
  CAD: 1.3978,
};

export interface FixtureUpstream {
  url: string;
  stop(): Promise<void>;
}

/** Starts the fixture server on 127.0.0.1 (port 0 = any free port). */
export async function startFixtureUpstream(port = 0): Promise<FixtureUpstream> {
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://fixture");
    if (url.pathname !== "/latest") {
      res
        .writeHead(404, { "content-type": "application/json" })
        .end(JSON.stringify({ message: "not found" }));
      return;
    }
    const from = (url.searchParams.get("from") ?? "EUR").toUpperCase();
    const to = (url.searchParams.get("to") ?? "").toUpperCase().split(",").filter(Boolean);
    const base = SAMPLE_RATES[from];
    if (!base || to.some((code) => !SAMPLE_RATES[code])) {
      res
        .writeHead(404, { "content-type": "application/json" })
        .end(JSON.stringify({ message: "not found" }));
      return;
    }
    const rates = Object.fromEntries(
      to.map((code) => [code, Number((SAMPLE_RATES[code]! / base).toFixed(5))]),
    );
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify({ amount: 1, base: from, date: "2026-11-20", rates }));
  });
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  const { port: bound } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${bound}`,
    stop: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
