import { connect } from "node:net";

/**
 * Sends a request with the request-target exactly as given (fetch and URL would normalise
 * `..`, `//` and percent-encoding before the server ever saw them).
 */
export function rawGet(
  origin: string,
  target: string,
): Promise<{ status: number; headers: string; body: string }> {
  return rawRequest(origin, `GET ${target}`);
}

/**
 * Sends a request line and extra header lines, and nothing more: a request that only declares
 * a body (`Content-Length`) gets the server's early answer without a write racing it.
 */
export function rawRequest(
  origin: string,
  requestLine: string,
  extraHeaders: string[] = [],
): Promise<{ status: number; headers: string; body: string }> {
  const { hostname, port } = new URL(origin);
  const target = requestLine;
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => {
      const headers = [
        `Host: ${hostname}:${port}`,
        "Accept: application/json",
        "Connection: close",
        ...extraHeaders,
      ];
      socket.write(`${requestLine} HTTP/1.1\r\n${headers.join("\r\n")}\r\n\r\n`);
    });
    let data = "";
    socket.setEncoding("latin1");
    const finish = () => {
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(data)?.[1] ?? 0);
      const headerEnd = data.indexOf("\r\n\r\n");
      resolve({ status, headers: data.slice(0, headerEnd), body: data.slice(headerEnd + 4) });
      socket.destroy();
    };
    socket.on("data", (chunk) => {
      data += chunk;
      // workerd keeps the connection open: stop once the declared body has arrived.
      const headerEnd = data.indexOf("\r\n\r\n");
      const length = /\r\ncontent-length: *(\d+)/i.exec(data.slice(0, headerEnd))?.[1];
      if (headerEnd !== -1 && length !== undefined && data.length - headerEnd - 4 >= Number(length)) finish();
    });
    socket.on("end", finish);
    socket.on("error", reject);
    socket.setTimeout(15_000, () => socket.destroy(new Error(`no answer for ${target}`)));
  });
}
