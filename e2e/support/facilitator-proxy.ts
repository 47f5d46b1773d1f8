import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * Sits between the gateway and the real facilitator to inject faults:
 * - `pass`: forward everything;
 * - `down`: refuse /verify and /settle (connection reset), as if the facilitator died;
 * - `lose-settle-answer`: forward /settle (the transfer happens) but drop the answer;
 * - `drop-settle`: drop /settle without forwarding (nothing is broadcast).
 * /supported always passes, so only the payment steps fail.
 */
export type ProxyMode = "pass" | "down" | "lose-settle-answer" | "drop-settle";

export interface FacilitatorProxy {
  url: string;
  target: string;
  mode: ProxyMode;
  stop(): Promise<void>;
}

export async function startFacilitatorProxy(): Promise<FacilitatorProxy> {
  const proxy = { target: "", mode: "pass" as ProxyMode };
  const server = createServer(async (req, res) => {
    const path = req.url ?? "/";
    const body = await readBody(req);
    const faulty = path !== "/supported" && proxy.mode !== "pass";
    if (faulty && (proxy.mode === "down" || (proxy.mode === "drop-settle" && path === "/settle"))) {
      req.socket.destroy();
      return;
    }
    const upstream = await fetch(`${proxy.target}${path}`, {
      method: req.method ?? "GET",
      headers: { "content-type": "application/json" },
      ...(req.method === "POST" ? { body } : {}),
    });
    const text = await upstream.text();
    if (faulty && proxy.mode === "lose-settle-answer" && path === "/settle") {
      req.socket.destroy();
      return;
    }
    res.writeHead(upstream.status, { "content-type": "application/json" }).end(text);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return Object.assign(proxy, {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  });
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    let data = "";
    req.setEncoding("utf8");
    req.on("data", (chunk) => {
      data += chunk;
    });
    req.on("end", () => resolve(data));
  });
}
