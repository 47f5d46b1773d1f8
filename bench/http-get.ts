import { type Agent, request } from "node:http";

export interface GetResult {
  status: number;
  body: string;
}

/** One GET over a keep-alive agent; the body is read in full, as a real client would. */
export function httpGet(agent: Agent, origin: URL, path: string): Promise<GetResult> {
  return new Promise((resolve, reject) => {
    const req = request({ agent, host: origin.hostname, port: origin.port, path, method: "GET" }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () =>
        resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") }),
      );
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end();
  });
}
