import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

/** A loopback upstream that counts calls per path and can run a probe at each call (e.g. read a balance). */
export interface CountingServer {
  url: string;
  hits(path: string): number;
  /** Values the probe returned, one per call, in call order. */
  probes: unknown[];
  setProbe(probe: (() => Promise<unknown>) | undefined): void;
  stop(): Promise<void>;
}

export async function startCountingServer(): Promise<CountingServer> {
  const counts = new Map<string, number>();
  const probes: unknown[] = [];
  let probe: (() => Promise<unknown>) | undefined;
  const server = createServer(async (req, res) => {
    const path = new URL(req.url ?? "/", "http://counter").pathname;
    const hits = (counts.get(path) ?? 0) + 1;
    counts.set(path, hits);
    if (probe) probes.push(await probe());
    res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ hits }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    hits: (path) => counts.get(path) ?? 0,
    probes,
    setProbe: (next) => {
      probe = next;
    },
    stop: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
