import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { performance } from "node:perf_hooks";

/** When the facilitator was asked to verify and to settle one authorization (performance.now() ms). */
export interface FacilitatorMarks {
  verifyStart?: number;
  verifyEnd?: number;
  settleStart?: number;
  settleEnd?: number;
}

export interface TimingProxy {
  url: string;
  /** By EIP-3009 nonce, so a server's calls line up with the client's paid request. */
  marks: Map<string, FacilitatorMarks>;
  stop(): Promise<void>;
}

/**
 * A pass-through in front of the facilitator that notes when each /verify and /settle starts and
 * ends. Both servers under test talk to the facilitator through it, so the part of a paid
 * request that is the server's own work (before verify, between verify and settle, after settle)
 * can be told apart from the facilitator's, without touching either server. It is in this
 * process, on the same clock as the client's timings; it adds one local hop to both sides alike.
 */
export async function startTimingProxy(target: string): Promise<TimingProxy> {
  const marks = new Map<string, FacilitatorMarks>();
  const server = createServer(async (req, res) => {
    try {
      const body = await readBody(req);
      const operation = req.url === "/verify" ? "verify" : req.url === "/settle" ? "settle" : undefined;
      const nonce = operation ? nonceOf(body) : undefined;
      const mark = nonce ? (marks.get(nonce) ?? {}) : undefined;
      if (nonce && mark) marks.set(nonce, mark);
      if (mark && operation) mark[`${operation}Start`] = performance.now();
      const upstream = await fetch(target + req.url, {
        method: req.method ?? "GET",
        headers: forwardedHeaders(req),
        ...(body.length ? { body: body.toString("utf8") } : {}),
      });
      const answer = Buffer.from(await upstream.arrayBuffer());
      if (mark && operation) mark[`${operation}End`] = performance.now();
      res.writeHead(upstream.status, {
        "content-type": upstream.headers.get("content-type") ?? "application/json",
      });
      res.end(answer);
    } catch (error) {
      res.writeHead(502, { "content-type": "application/json" });
      res.end(JSON.stringify({ error: "proxy_error", reason: String(error) }));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    marks,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

function forwardedHeaders(req: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const name of ["content-type", "authorization"]) {
    const value = req.headers[name];
    if (typeof value === "string") headers[name] = value;
  }
  return headers;
}

function nonceOf(body: Buffer): string | undefined {
  try {
    const parsed = JSON.parse(body.toString("utf8")) as {
      paymentPayload?: { payload?: { authorization?: { nonce?: string } } };
    };
    return parsed.paymentPayload?.payload?.authorization?.nonce?.toLowerCase();
  } catch {
    return undefined;
  }
}
